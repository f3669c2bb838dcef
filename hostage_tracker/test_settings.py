"""Settings for the test suite: the real stack on the machine's standard local ports.

Every value can still be overridden from the environment; this only supplies the defaults the
project's machines use, so `pytest` works without a wrapper.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hostage_tracker")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-0123456789-0123456789-abcdef")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("WEBHOOK_ALLOW_LOCAL", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from hostage_tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
