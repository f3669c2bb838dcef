import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cases.choices import ChannelEventKind, ChannelRole, ChannelStatus
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank
from core.models import TokenAttributedHistory


class NegotiationChannel(models.Model):
    """A mediated line of talks about releases (e.g. Qatar-mediated talks in Doha)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    mediator = models.CharField(_("mediator"), max_length=200, help_text=_("A country or an organisation."))
    mediator_country = CountryField(_("mediator country"), blank=True, help_text=_("When the mediator is a state."))
    counterpart = models.CharField(_("counterpart"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    detainees = models.ManyToManyField(Detainee, through="ChannelMembership", related_name="channels")

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("negotiation channel")
        verbose_name_plural = _("negotiation channels")
        ordering = ["name"]
        constraints = [
            choice_check("status", ChannelStatus, "channel_status_valid"),
            not_blank("name", "channel_name_not_blank"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="channel_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChannelMembership(models.Model):
    """A detainee linked to a channel, with the role the channel plays for them."""

    channel = models.ForeignKey(NegotiationChannel, on_delete=models.CASCADE, related_name="memberships")
    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="channel_memberships")
    role = models.CharField(_("role"), max_length=20, choices=ChannelRole.choices)
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("channel membership")
        verbose_name_plural = _("channel memberships")
        ordering = ["channel", "detainee"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "detainee", "role"], name="membership_unique_role"),
            choice_check("role", ChannelRole, "membership_role_valid"),
        ]
        indexes = [models.Index(fields=["detainee", "channel"], name="membership_detainee_idx")]

    def __str__(self) -> str:
        return f"{self.detainee_id} {self.role} in {self.channel_id}"


class ChannelEvent(models.Model):
    """One entry in a channel's log: a meeting, a list handed over, a release, ..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(NegotiationChannel, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelEventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    summary = models.TextField(_("summary"))
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("channel event")
        verbose_name_plural = _("channel events")
        ordering = ["channel", "occurred_at"]
        constraints = [
            choice_check("kind", ChannelEventKind, "channel_event_kind_valid"),
            not_blank("source", "channel_event_source_not_blank"),
            not_blank("summary", "channel_event_summary_not_blank"),
        ]
        indexes = [models.Index(fields=["channel", "occurred_at"], name="channel_event_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def clean(self):
        # On the model, so the admin obeys it as the browser and the API do.
        if self.occurred_at and self.occurred_at > timezone.now():
            raise ValidationError({"occurred_at": _("A log entry cannot be dated in the future.")})
