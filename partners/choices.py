from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureVia(models.TextChoices):
    API = "api", _("API")
    WEBHOOK = "webhook", _("Webhook")
