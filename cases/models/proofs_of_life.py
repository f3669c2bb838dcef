import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import Confidence, ProofOfLifeKind
from cases.models.channels import NegotiationChannel
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank


class ProofOfLife(models.Model):
    """Evidence that the person was alive at a moment: a video, a photo, a testimony, a visit.

    Append-only like the status history; the database refuses one dated before the abduction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, related_name="proofs_of_life")
    observed_at = models.DateTimeField(_("seen alive at"))
    kind = models.CharField(_("kind"), max_length=10, choices=ProofOfLifeKind.choices)
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.REPORTED
    )
    channel = models.ForeignKey(NegotiationChannel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("proof of life")
        verbose_name_plural = _("proofs of life")
        ordering = ["detainee", "-observed_at"]
        constraints = [
            choice_check("kind", ProofOfLifeKind, "proof_of_life_kind_valid"),
            choice_check("confidence", Confidence, "proof_of_life_confidence_valid"),
            not_blank("source", "proof_of_life_source_required"),
        ]
        indexes = [models.Index(fields=["detainee", "-observed_at"], name="proof_of_life_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} seen {self.observed_at:%Y-%m-%d}"
