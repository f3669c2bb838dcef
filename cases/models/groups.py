import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import Confidence
from cases.models.detainees import Detainee
from core.constraints import choice_check, not_blank
from core.models import TokenAttributedHistory


class CaptivityGroup(models.Model):
    """People known to be held together (from a released hostage's debriefing, a video, ...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    place = models.CharField(_("place"), max_length=300, blank=True)
    since = models.DateField(_("held together since"), null=True, blank=True)
    until = models.DateField(_("held together until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.REPORTED
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    detainees = models.ManyToManyField(Detainee, through="CaptivityGroupMembership", related_name="captivity_groups")

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("captivity group")
        verbose_name_plural = _("captivity groups")
        ordering = ["name"]
        constraints = [
            not_blank("name", "group_name_not_blank"),
            not_blank("source", "group_source_required"),
            choice_check("confidence", Confidence, "group_confidence_valid"),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True)
                | models.Q(since__isnull=True)
                | models.Q(until__gte=models.F("since")),
                name="group_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CaptivityGroupMembership(models.Model):
    group = models.ForeignKey(CaptivityGroup, on_delete=models.CASCADE, related_name="memberships")
    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="group_memberships")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("member of a captivity group")
        verbose_name_plural = _("members of captivity groups")
        ordering = ["group", "detainee__case_ref"]
        constraints = [models.UniqueConstraint(fields=["group", "detainee"], name="group_member_unique")]

    def __str__(self) -> str:
        return f"{self.detainee_id} in {self.group_id}"
