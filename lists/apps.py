from django.apps import AppConfig


class ListsConfig(AppConfig):
    """Lists of people delivered through a channel, and their matching against the registry."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "lists"
    verbose_name = "Lists"

    def ready(self):
        # Register the Celery tasks in every process (web too), so work handed over by name finds them.
        from lists import tasks  # noqa: F401
