"""joinedup settings, read from the environment (12-factor).

DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL-style settings and JOINEDUP_DEBUG configure
a deployment; with nothing set, joinedup runs on an embedded SQLite database under var/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("JOINEDUP_HOME", PACKAGE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("JOINEDUP_VAR", BASE_DIR / "var"))
ASSETS_DIR = Path(os.environ.get("JOINEDUP_NODE_MODULES", BASE_DIR / "node_modules"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("JOINEDUP_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. joinedup refuses to start without one outside debug mode "
            "(set JOINEDUP_DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-for-JOINEDUP_DEBUG"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def database_from_url(url: str) -> dict[str, Any]:
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except Exception as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL ({error}).") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL is not a valid database URL: no database name.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE transactions: writers queue for the lock instead of failing on upgrade.
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'joinedup.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # joinedup.web before django.forms: its GOV.UK form templates take precedence.
    "joinedup.web",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "joinedup.partnership",
    "joinedup.people",
    "joinedup.audit",
    "joinedup.sharing",
    "joinedup.records",
    "joinedup.outcomes",
    "joinedup.episodes",
    "joinedup.frontdoor",
    "joinedup.assessments",
    "joinedup.chronology",
    "joinedup.identity",
    "joinedup.insight",
    "joinedup.family",
    "joinedup.directory",
    "joinedup.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "joinedup.web.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.web.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joinedup.config.urls"
WSGI_APPLICATION = "joinedup.config.wsgi.application"
AUTH_USER_MODEL = "partnership.Practitioner"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "joinedup.web.context_processors.service",
            ],
        },
    }
]
# Forms render with the GOV.UK templates in web/templates/django/forms.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign-in"

# Lock an account (per username) after five failed sign-ins for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Accounts lock per username, not per address: partner organisations share office addresses,
# and one mistyping colleague must not lock a whole school out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Emergency access (break-glass) lasts this many hours, then the record closes again.
JOINEDUP_BREAK_GLASS_HOURS = float(os.environ.get("JOINEDUP_BREAK_GLASS_HOURS", "2"))

# Idle sign-out: the session lasts 30 minutes from the last request.
SESSION_COOKIE_AGE = int(os.environ.get("JOINEDUP_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "joinedup"

SECURE_SSL = not DEBUG and env_bool("JOINEDUP_HTTPS", True)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("JOINEDUP_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# Static files: the GOV.UK Frontend from its npm package. Its stylesheet asks for /assets/fonts
# and /assets/images, so the static URL is /assets/ and the package's assets sit at its root.
STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    str(ASSETS_DIR / "govuk-frontend" / "dist" / "govuk" / "assets"),
    ("govuk", str(ASSETS_DIR / "govuk-frontend" / "dist" / "govuk")),
    # Long lists of people become a type-ahead (GOV.UK's accessible autocomplete).
    ("autocomplete", str(ASSETS_DIR / "accessible-autocomplete" / "dist")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "joinedup <no-reply@joinedup.invalid>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

JOINEDUP = {
    "SERVICE_NAME": os.environ.get("JOINEDUP_SERVICE_NAME", "joinedup"),
    "PARTNERSHIP_NAME": os.environ.get("JOINEDUP_PARTNERSHIP", "Demo Shire partnership"),
    "PAGE_SIZE": 25,
    # The address emailed links start with (referrals to organisations without an account).
    "BASE_URL": os.environ.get("JOINEDUP_BASE_URL", ""),
}
