"""The real settings, with what a test run needs: a key, fast hashing, mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("JOINEDUP_DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("JOINEDUP_HTTPS", "false")
# Background jobs run at once, in the request, inside the test transaction (the immediate
# backend); tests of the worker itself run `joinedup worker` processes on their own database.
os.environ.setdefault("JOINEDUP_INLINE_JOBS", "true")

from joinedup.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 3

# Documents uploaded by tests go to a temporary directory, never under var/.
import tempfile  # noqa: E402

STORAGES = {
    **STORAGES,  # noqa: F405
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="joinedup-test-documents-")},
    },
}
