"""What the outbox announces, who subscribes to what, and how deliveries stand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What the change feed and the webhooks announce."""

    DETAINEE_CREATED = "detainee.created", _("Detainee created")
    DETAINEE_UPDATED = "detainee.updated", _("Detainee updated")
    DETAINEE_STATUS_CHANGED = "detainee.status_changed", _("Detainee status changed")
    CHANNEL_UPDATED = "channel.updated", _("Channel updated")
    DETAINEE_PROOF_OF_LIFE_RECORDED = "detainee.proof_of_life_recorded", _("Proof of life recorded")
    DETAINEE_PROOF_OF_LIFE_OVERDUE = "detainee.proof_of_life_overdue", _("No proof of life for too long")
    # For partners only: a case coming into a partner's scope (with what it may now see), or leaving
    # it (its id alone: forget it).
    DETAINEE_ENTERED_SCOPE = "detainee.entered_scope", _("Detainee entered the partner's scope")
    DETAINEE_LEFT_SCOPE = "detainee.left_scope", _("Detainee left the partner's scope")
    # Internal: never to partners (core.access).
    DETAINEE_STATUS_CHANGE_PROPOSED = "detainee.status_change_proposed", _("Status change awaits confirmation")
    DETAINEE_STATUS_CHANGE_REJECTED = "detainee.status_change_rejected", _("Proposed status change rejected")
    DETAINEE_FAMILY_INFORMED = "detainee.family_informed", _("Family informed")
    DETAINEE_CLAIM_RECORDED = "detainee.claim_recorded", _("Claim recorded")
    DETAINEE_CLAIMS_RULED = "detainee.claims_ruled", _("Claims ruled on")


SCOPE_EVENT_TYPES = frozenset({EventType.DETAINEE_ENTERED_SCOPE, EventType.DETAINEE_LEFT_SCOPE})

# Event types about what only the cell may know: proposals, claims, family notifications.
INTERNAL_EVENT_TYPES = frozenset(
    {
        EventType.DETAINEE_STATUS_CHANGE_PROPOSED,
        EventType.DETAINEE_STATUS_CHANGE_REJECTED,
        EventType.DETAINEE_FAMILY_INFORMED,
        EventType.DETAINEE_CLAIM_RECORDED,
        EventType.DETAINEE_CLAIMS_RULED,
    }
)


class EventAudience(models.TextChoices):
    """Who an event is for (core.access reads it for every channel)."""

    EVERYONE = "everyone", _("Everyone who may see its subject")
    # The cell only: internal event types, and a death the family has not been told of yet.
    INTERNAL = "internal", _("The cell only")
    # A withheld change released once the family was told: new to partners and to email, while the
    # cell saw it (and was notified in the app) when it was recorded.
    DISCLOSURE = "disclosure", _("Partners and email, on release")
    # A case entering or leaving partners' scope: news to them alone (the cell sees every case).
    PARTNERS = "partners", _("Partners only")


class SubscriptionKind(models.TextChoices):
    NATIONALITY = "nationality", _("Nationality")
    STATUS = "status", _("Status")
    DETAINEE = "detainee", _("Detainee")
    CHANNEL = "channel", _("Channel")
    PROOF_OF_LIFE_OVERDUE = "proof_of_life_overdue", _("No proof of life for N days")


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead")
    CANCELLED = "cancelled", _("Cancelled")
