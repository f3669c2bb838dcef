from django.apps import AppConfig


class ListsConfig(AppConfig):
    """Lists of people delivered through a channel, and their matching against the registry."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "lists"
    verbose_name = "Lists"
