import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostage_tracker.settings")
application = get_wsgi_application()

from hostage_tracker.startup import static_files_check  # noqa: E402 - needs the apps loaded

static_files_check()
