import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import ClaimState, Confidence, Status
from cases.models.channels import NegotiationChannel
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank
from core.models import TokenAttributedHistory


class Claim(models.Model):
    """A sourced assertion about a case ("she is alive", "he was freed") that does not change it.

    An officer rules on it: accepting records the asserted status through the status service,
    rejecting keeps it with the reason. Internal: partners never see claims. The assertion itself is
    never edited; only its ruling is written, once (the database refuses anything else).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, related_name="claims")
    asserted_status = models.CharField(_("asserted status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.REPORTED
    )
    occurred_at = models.DateTimeField(_("said at"))
    channel = models.ForeignKey(NegotiationChannel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.OPEN)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    ruling_note = models.TextField(_("ruling note"), blank=True)
    # What accepting it recorded: a status change, or a proposal awaiting a second officer.
    status_change = models.ForeignKey(
        "cases.StatusChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["detainee", "-occurred_at", "-recorded_at"]
        permissions = [("rule_claim", _("Can accept or reject claims"))]
        constraints = [
            choice_check("asserted_status", Status, "claim_status_valid"),
            choice_check("confidence", Confidence, "claim_confidence_valid"),
            choice_check("state", ClaimState, "claim_state_valid"),
            not_blank("source", "claim_source_required"),
            models.CheckConstraint(
                condition=models.Q(state=ClaimState.OPEN, ruled_at__isnull=True)
                | (~models.Q(state=ClaimState.OPEN) & models.Q(ruled_at__isnull=False)),
                name="claim_ruled_when_closed",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ClaimState.REJECTED) | ~models.Q(ruling_note=""),
                name="claim_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["detainee", "recorded_at"], name="claim_open_idx", condition=models.Q(state="open"))
        ]

    def __str__(self) -> str:
        return f"claim: {self.asserted_status} ({self.source})"
