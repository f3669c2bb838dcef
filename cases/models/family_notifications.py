import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import FamilyNotificationMethod
from cases.models.detainees import Detainee
from core.constraints import choice_check


class FamilyNotification(models.Model):
    """That the family was told of a death (or of the return of remains): when, how, by whom.

    Recording it releases what was withheld from partners (family first). Append-only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, related_name="family_notifications")
    informed_at = models.DateTimeField(_("family informed at"))
    method = models.CharField(_("how"), max_length=20, choices=FamilyNotificationMethod.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The status changes the family was told of (the last of them), released to partners by this.
    disclosed_through = models.PositiveIntegerField(_("discloses changes up to"))

    class Meta:
        verbose_name = _("family notification")
        verbose_name_plural = _("family notifications")
        ordering = ["detainee", "-recorded_at"]
        constraints = [choice_check("method", FamilyNotificationMethod, "family_notification_method_valid")]

    def __str__(self) -> str:
        return f"family informed {self.informed_at:%Y-%m-%d} ({self.get_method_display()})"
