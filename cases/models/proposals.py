import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import Confidence, ProposalState, Status
from cases.models.channels import NegotiationChannel
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank
from core.models import TokenAttributedHistory


class PendingStatusChange(models.Model):
    """A status change that waits for a second officer (four eyes): a death, until confirmed.

    Nothing about the case changes while it waits. Confirmed, it becomes a StatusChange (and
    `status_change` names it); rejected, it stays here with the reason. A proposal is decided once:
    the database refuses any later change, and deleting one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, related_name="pending_status_changes")
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_by_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    confidence = models.CharField(_("confidence"), max_length=12, choices=Confidence.choices)
    channel = models.ForeignKey(NegotiationChannel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    is_correction = models.BooleanField(_("correction"), default=False)
    correction_reason = models.TextField(_("correction reason"), blank=True)
    claim = models.ForeignKey("cases.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    state = models.CharField(
        _("state"), max_length=24, choices=ProposalState.choices, default=ProposalState.AWAITING_CONFIRMATION
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    status_change = models.OneToOneField(
        "cases.StatusChange", on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("pending status change")
        verbose_name_plural = _("pending status changes")
        ordering = ["detainee", "-proposed_at"]
        permissions = [("decide_pendingstatuschange", _("Can confirm or reject another officer's proposal"))]
        constraints = [
            choice_check("from_status", Status, "proposal_from_valid"),
            choice_check("to_status", Status, "proposal_to_valid"),
            choice_check("confidence", Confidence, "proposal_confidence_valid"),
            choice_check("state", ProposalState, "proposal_state_valid"),
            not_blank("source", "proposal_source_required"),
            # Four eyes: whoever decides is not whoever proposed.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | models.Q(proposed_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by")),
                name="proposal_decided_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state=ProposalState.AWAITING_CONFIRMATION,
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                    status_change__isnull=True,
                )
                | models.Q(
                    state=ProposalState.CONFIRMED,
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                    status_change__isnull=False,
                )
                | (
                    models.Q(
                        state=ProposalState.REJECTED,
                        decided_by__isnull=False,
                        decided_at__isnull=False,
                        status_change__isnull=True,
                    )
                    & ~models.Q(rejection_reason="")
                ),
                name="proposal_decision_complete",
            ),
            # One proposal at a time per case.
            models.UniqueConstraint(
                fields=["detainee"],
                condition=models.Q(state=ProposalState.AWAITING_CONFIRMATION),
                name="proposal_one_awaiting_per_detainee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.get_state_display()})"
