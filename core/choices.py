"""The roles people sign in with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role is the Django group of the same name (created by a migration)."""

    ADMIN = "admin", _("Admin")
    OFFICER = "officer", _("Case officer")
    ANALYST = "analyst", _("Analyst")
