"""Checks made once when a production process starts, so a mistake stops the start with a clear
message instead of failing one page at a time later."""

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def static_files_check() -> None:
    """With hashed static files (DEBUG off), every static file must be in the collected manifest.

    Otherwise the first page that links a missing one answers 500 ("Missing staticfiles manifest
    entry"), which is how the API docs failed until `collectstatic` was run by hand.
    """
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return
    collected = storage.hashed_files
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    missing = sorted(path for finder in get_finders() for path, _ in finder.list(ignore) if path not in collected)
    if missing:
        raise ImproperlyConfigured(
            f"{len(missing)} static files are not collected into STATIC_ROOT ({settings.STATIC_ROOT}), "
            f"e.g. {missing[0]!r}: run `python manage.py collectstatic --no-input` before starting the app."
        )
