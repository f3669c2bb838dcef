from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    TO_COUNTERPART = "to_counterpart", _("Handed to the counterpart")
    FROM_COUNTERPART = "from_counterpart", _("Handed back by the counterpart")


class ListStatus(models.TextChoices):
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class MatchLabel(models.TextChoices):
    LIKELY = "likely", _("Likely")
    POSSIBLE = "possible", _("Possible")
    NONE = "none", _("No candidate")


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    UNSURE = "unsure", _("Not sure")


class RememberedDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
