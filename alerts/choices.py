"""What the outbox announces, who subscribes to what, and how deliveries stand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What the change feed and the webhooks announce."""

    DETAINEE_CREATED = "detainee.created", _("Detainee created")
    DETAINEE_UPDATED = "detainee.updated", _("Detainee updated")
    DETAINEE_STATUS_CHANGED = "detainee.status_changed", _("Detainee status changed")
    CHANNEL_UPDATED = "channel.updated", _("Channel updated")


class SubscriptionKind(models.TextChoices):
    NATIONALITY = "nationality", _("Nationality")
    STATUS = "status", _("Status")
    DETAINEE = "detainee", _("Detainee")
    CHANNEL = "channel", _("Channel")


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead")
    CANCELLED = "cancelled", _("Cancelled")
