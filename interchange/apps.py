from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Formats other systems read and write: PFIF 1.4 (People Finder Interchange Format)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "interchange"
    verbose_name = "Interchange"
