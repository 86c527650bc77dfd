"""joinedup settings, read from the environment (12-factor).

DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL-style settings and JOINEDUP_DEBUG configure
a deployment; with nothing set, joinedup runs on an embedded SQLite database under var/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
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


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


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
    if config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiling spends most of a second on plans whose estimated cost passes its
        # thresholds, for queries that run in milliseconds: off on joinedup's connections.
        options: dict[str, Any] = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
        config["OPTIONS"] = options
        # Persistent connections (checked before reuse); 0 behind a pooler in transaction mode.
        config["CONN_MAX_AGE"] = env_int("JOINEDUP_CONN_MAX_AGE", 60)
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
    "joinedup.protection",
    "joinedup.identity",
    "joinedup.insight",
    "joinedup.family",
    "joinedup.recording",
    "joinedup.directory",
    "joinedup.demo",
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",
    "mozilla_django_oidc",
    "joinedup.jobs",
    "joinedup.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "joinedup.web.middleware.RequestIdMiddleware",
    "joinedup.web.middleware.RequestCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "joinedup.web.middleware.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.web.middleware.SecondFactorMiddleware",
    "joinedup.web.middleware.FamilyPagesOnlyMiddleware",
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
    "joinedup.web.auth.PractitionerBackend",
    # Single sign-on: each organisation's own OpenID Connect provider (integrations/sso.py).
    "joinedup.integrations.sso.OrganisationBackend",
]
# Roles that need a second factor after a password sign-in (comma-separated; empty: none).
JOINEDUP_TWO_FACTOR_ROLES = env_list(
    "JOINEDUP_TWO_FACTOR_ROLES", "data_protection_officer,administrator"
)
OIDC_AUTHENTICATION_CALLBACK_URL = "integrations:oidc-callback"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # never: a practitioner is matched by verified email, not made
OIDC_TIMEOUT = 10
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

# Sign-in lockout for 30 minutes (see joinedup/web/lockout.py): five failures for one account
# from one address lock that account from that address only, so nobody elsewhere can lock a
# colleague out; twenty failures from one address, across any accounts, lock the address, so
# one password cannot be tried across many accounts. Partner organisations share office
# addresses, hence the wider limit for an address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
JOINEDUP_ADDRESS_FAILURE_LIMIT = int(os.environ.get("JOINEDUP_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "joinedup.web.lockout.AccountAndAddressLockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

# Emergency access (break-glass) lasts this many hours, then the record closes again.
JOINEDUP_BREAK_GLASS_HOURS = float(os.environ.get("JOINEDUP_BREAK_GLASS_HOURS", "2"))

# The Children in Need census: the council's three-digit DfE local authority code for the return's
# header, and the interpreter of the environment the DfE validator is installed in (`make install`
# makes it: the validator pins libraries joinedup's own environment cannot share).
JOINEDUP_CIN_LA_CODE = os.environ.get("JOINEDUP_CIN_LA_CODE", "")
JOINEDUP_CIN_PYTHON = os.environ.get(
    "JOINEDUP_CIN_PYTHON", str(BASE_DIR / ".venv-cin" / "bin" / "python")
)

# Idle sign-out: the session lasts 30 minutes from the last request.
SESSION_COOKIE_AGE = int(os.environ.get("JOINEDUP_IDLE_SECONDS", "1800"))
# Idle sign-out: a signed-in session's expiry moves on when it was last saved more than a
# minute ago (joinedup.web.middleware.SessionTouchMiddleware), not on every request.
SESSION_TOUCH_SECONDS = 60
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

# Content-Security-Policy (django-csp): scripts and style sheets only from joinedup itself, or
# inline with the page's nonce (request.csp_nonce). Style attributes stay allowed: the charts
# and progress bars size themselves with them, and a style attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

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
    ("swagger-ui", str(ASSETS_DIR / "swagger-ui-dist")),
    # Long lists of people become a type-ahead (GOV.UK's accessible autocomplete).
    ("autocomplete", str(ASSETS_DIR / "accessible-autocomplete" / "dist")),
]
# Documents (case files: reports, signed consent forms) are kept through Django's storage API:
# on disk under var/documents by default, or in S3-compatible storage by setting
# JOINEDUP_DOCUMENT_STORAGE to a backend path (e.g. django-storages'
# "storages.backends.s3.S3Storage") and JOINEDUP_DOCUMENT_STORAGE_OPTIONS to its options as
# JSON (bucket, endpoint, keys).
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "documents": {
        "BACKEND": os.environ.get(
            "JOINEDUP_DOCUMENT_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(
            os.environ.get("JOINEDUP_DOCUMENT_STORAGE_OPTIONS", "")
            or json.dumps({"location": str(VAR_DIR / "documents")})
        ),
    },
}
JOINEDUP_DOCUMENT_MAX_BYTES = int(os.environ.get("JOINEDUP_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))

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

# Machine access: OAuth 2.0 client credentials (django-oauth-toolkit). Tokens are short-lived and
# stored only as checksums; each client gets only the scopes it was registered with.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("JOINEDUP_TOKEN_SECONDS", "600")),
    "SCOPES": {
        "records:write": "Load the organisation's own records",
        "people:read": "Read the persons the organisation works with",
        "involvements:read": "Read the organisation's involvements",
        "casework:read": "Read requests, episodes and the chronology",
        "webhooks:manage": "Manage the organisation's webhook subscriptions",
    },
    "SCOPES_BACKEND_CLASS": "joinedup.integrations.clients.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "joinedup.integrations.clients.ClientValidator",
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # Only client credentials are used; every RFC 9700 (OAuth 2.0 Security BCP) safeguard is on.
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
# Links in webhook payloads start with this address (JOINEDUP["BASE_URL"] below, or local).
JOINEDUP_BASE_URL = os.environ.get("JOINEDUP_BASE_URL", "http://127.0.0.1:8000")

# Background work: jobs are rows in the database, run by `joinedup worker` (jobs/worker.py).
# JOINEDUP_INLINE_JOBS=true runs each job at once in the process that asks for it (tests, tools).
JOINEDUP_INLINE_JOBS = env_bool("JOINEDUP_INLINE_JOBS")
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if JOINEDUP_INLINE_JOBS
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": [],
    }
}
# Reminders from the worker's schedule: how far ahead a review or an escalation level is "due
# soon" (episodes/services/reminders.py).
JOINEDUP_REVIEW_REMINDER_DAYS = int(os.environ.get("JOINEDUP_REVIEW_REMINDER_DAYS", "7"))
JOINEDUP_ESCALATION_REMINDER_HOURS = int(os.environ.get("JOINEDUP_ESCALATION_REMINDER_HOURS", "24"))
# A worker silent for this long is taken to have died; its job runs again elsewhere.
JOINEDUP_WORKER_LEASE_SECONDS = float(os.environ.get("JOINEDUP_WORKER_LEASE_SECONDS", "60"))

JOINEDUP = {
    "SERVICE_NAME": os.environ.get("JOINEDUP_SERVICE_NAME", "joinedup"),
    "PARTNERSHIP_NAME": os.environ.get("JOINEDUP_PARTNERSHIP", "Demo Shire partnership"),
    "PAGE_SIZE": 25,
    # The address emailed links start with (referrals to organisations without an account).
    "BASE_URL": os.environ.get("JOINEDUP_BASE_URL", ""),
}
