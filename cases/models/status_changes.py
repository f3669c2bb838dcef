import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import Confidence, Status
from cases.models.channels import NegotiationChannel
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank


class StatusChange(models.Model):
    """One immutable event in a detainee's status history.

    The history is append-only: a mistake is fixed by a new correction event. `sequence` numbers
    a detainee's changes 1, 2, 3, ...; its uniqueness lets the database itself refuse two writers
    appending the same link of the chain.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, related_name="status_changes")
    sequence = models.PositiveIntegerField(_("sequence"))
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.REPORTED
    )
    channel = models.ForeignKey(
        NegotiationChannel, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    note = models.TextField(_("note"), blank=True)
    is_correction = models.BooleanField(_("correction"), default=False)
    correction_reason = models.TextField(_("correction reason"), blank=True)
    # Four eyes: who confirmed the proposal this change came from (a death), and when.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The claim this change accepted, when it came from ruling on claims.
    claim = models.ForeignKey("cases.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Recorded while the family was not yet informed: partners learn it only once they are.
    withheld = models.BooleanField(_("withheld until the family is informed"), default=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["detainee", "sequence"]
        permissions = [("correct_statuschange", _("Can record a status correction"))]
        constraints = [
            models.UniqueConstraint(fields=["detainee", "sequence"], name="status_change_chain_unique"),
            choice_check("from_status", Status, "status_change_from_valid"),
            choice_check("to_status", Status, "status_change_to_valid"),
            choice_check("confidence", Confidence, "status_change_confidence_valid"),
            not_blank("source", "status_change_source_required"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="status_change_sequence_positive"),
            models.CheckConstraint(
                condition=models.Q(is_correction=False) | ~models.Q(correction_reason=""),
                name="status_change_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(is_correction=True) | ~models.Q(from_status=models.F("to_status")),
                name="status_change_changes_status",
            ),
            # Four eyes, in the database: nobody confirms their own proposal.
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | models.Q(recorded_by__isnull=True)
                | ~models.Q(confirmed_by=models.F("recorded_by")),
                name="status_change_confirmed_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | models.Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="status_change_confirmation_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["to_status", "occurred_at"], name="status_change_to_time_idx"),
            models.Index(fields=["recorded_at"], name="status_change_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.occurred_at:%Y-%m-%d})"
