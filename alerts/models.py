"""Alerts: the transactional outbox of events, who subscribed to what, and every delivery attempt.

The database rows, not broker messages, are the record of what is still owed: a broker can lose or
repeat a message, so Celery only makes delivery fast; the periodic sweep makes it certain.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alerts.choices import DeliveryKind, DeliveryStatus, EventAudience, EventType, SubscriptionKind
from cases.models import Detainee, NegotiationChannel
from core.constraints import choice_check
from partners.models import WebhookEndpoint


class FeedPosition(models.Func):
    """The inserting transaction's place in the change feed on PostgreSQL (0 elsewhere).

    It is the transaction id plus the offset of the server the row was written on (`FeedEpoch`):
    transaction ids belong to one cluster, and a restore or failover onto another one starts
    counting low again. Used as a column default, so every event row, bulk inserts included,
    carries it for free.
    """

    output_field = models.BigIntegerField()
    template = "(alerts_feed_position())"

    def as_sqlite(self, compiler, connection, **extra_context):
        return "0", []


class FeedEpoch(models.Model):
    """One PostgreSQL cluster this database has lived on, and the offset its transaction ids get in
    the feed. A cluster is known by its system identifier, which initdb draws at random: a restore
    into a new cluster (or a logical replica promoted in a failover) gets an offset of its own, so
    its events sort after every restored one, and a partner's old cursor carries on. A physical
    standby shares its primary's identifier and transaction ids, and so its offset."""

    system_identifier = models.BigIntegerField(_("system identifier"), primary_key=True)
    offset = models.BigIntegerField(_("offset"))
    started_at = models.DateTimeField(_("first event written at"))

    class Meta:
        verbose_name = _("feed epoch")
        verbose_name_plural = _("feed epochs")

    def __str__(self) -> str:
        return f"cluster {self.system_identifier} (+{self.offset})"


class Event(models.Model):
    """One thing that happened, written in the same transaction as the change it announces."""

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    txid = models.BigIntegerField(_("feed position"), db_default=FeedPosition(), editable=False)
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    object_type = models.CharField(_("object type"), max_length=20)
    object_id = models.UUIDField(_("object id"))
    # The subjects, kept as keys so scope checks and subscriptions can join on them.
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    channel = models.ForeignKey(
        NegotiationChannel, on_delete=models.PROTECT, null=True, blank=True, related_name="events_emitted"
    )
    data = models.JSONField(_("data"), default=dict)
    # The nationalities that put the subject in a partner's scope when the event happened, and just
    # before (they differ when the change moved citizenships), as {"RU": [], ...}: core.access judges
    # a partner's right to an event by these, never by today's citizenships.
    scope = models.JSONField(_("scope"), default=dict)
    scope_before = models.JSONField(_("scope before"), default=dict)
    audience = models.CharField(
        _("audience"), max_length=10, choices=EventAudience.choices, default=EventAudience.EVERYONE
    )
    # Who made the change: they are not alerted about their own action.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["txid", "seq"]
        constraints = [
            choice_check("type", EventType, "event_type_valid"),
            choice_check("audience", EventAudience, "event_audience_valid"),
        ]
        indexes = [
            models.Index(fields=["txid", "seq"], name="event_feed_idx"),
            models.Index(fields=["seq"], name="event_undispatched_idx", condition=models.Q(dispatched_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id}"


class ScopeMark(models.Model):
    """A nationality for which something a partner may see changed, at a feed position.

    Written only by database triggers (alerts.scope_marks), in the transaction of the change: an
    event about a detainee or a channel marks the nationalities involved, and so does a citizenship
    or a channel link added or removed, so a detainee leaving a partner's scope marks it too. A
    partner's data version is read from the marks of its nationalities alone: its ETags stay put
    while cases it may not see change, and they tell it nothing about those cases.
    """

    id = models.BigAutoField(primary_key=True)
    txid = models.BigIntegerField(_("feed position"), db_default=FeedPosition(), editable=False)
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        verbose_name = _("scope mark")
        verbose_name_plural = _("scope marks")
        indexes = [models.Index(fields=["country", "txid"], name="scope_mark_idx")]

    def __str__(self) -> str:
        return f"{self.country} at {self.txid}"


class Subscription(models.Model):
    """A user's wish to be alerted: about a nationality, a status, one detainee or one channel."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(_("kind"), max_length=24, choices=SubscriptionKind.choices)
    value = models.CharField(_("value"), max_length=64, help_text=_("Country code, status, or the object's id."))
    by_email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        ordering = ["user", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="subscription_unique"),
            choice_check("kind", SubscriptionKind, "subscription_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(by_email=True) | models.Q(in_app=True), name="subscription_has_a_way"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="subscription_match_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}={self.value}"


class OverdueAlert(models.Model):
    """That a case crossed `days` without a proof of life, counted from `clock` (the last proof, or
    the abduction): written once, with its event, so two beats or a retried check never alert twice;
    a new proof of life moves the clock, and the next crossing is a new row."""

    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField(_("days"))
    clock = models.DateTimeField(_("without proof of life since"))
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proof-of-life alert")
        verbose_name_plural = _("proof-of-life alerts")
        constraints = [
            models.UniqueConstraint(fields=["detainee", "days", "clock"], name="overdue_alert_once"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="overdue_alert_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.detainee_id}: {self.days} days without proof of life"


class Notification(models.Model):
    """An in-app alert for one user about one event."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    summary = models.CharField(_("summary"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.summary


class Delivery(models.Model):
    """What is owed: one event to one recipient (a user's email or a partner's webhook).

    Claimed by a conditional UPDATE that takes a lease (`locked_until`); a worker that dies
    mid-delivery simply lets the lease run out, and the sweep hands the delivery to another.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=10, choices=DeliveryKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_delivery", _("Can retry a dead delivery"))]
        constraints = [
            choice_check("kind", DeliveryKind, "delivery_kind_valid"),
            choice_check("status", DeliveryStatus, "delivery_status_valid"),
            models.CheckConstraint(
                condition=(models.Q(kind=DeliveryKind.EMAIL) & models.Q(user__isnull=False, endpoint__isnull=True))
                | (models.Q(kind=DeliveryKind.WEBHOOK) & models.Q(endpoint__isnull=False, user__isnull=True)),
                name="delivery_has_one_recipient",
            ),
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_once_per_endpoint"),
            models.UniqueConstraint(fields=["event", "user", "kind"], name="delivery_once_per_user"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="delivery_due_idx", condition=models.Q(status=DeliveryStatus.PENDING)
            ),
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.event_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """The log of one try: when, how long, what the receiver answered, what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt number"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
