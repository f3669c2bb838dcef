"""A list of people delivered through a channel, its rows, and the decisions officers made on them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Detainee, NegotiationChannel
from core.constraints import choice_check, not_blank
from lists.choices import Decision, Direction, ListStatus, MatchLabel


class DeliveredList(models.Model):
    """A file of names handed over through a channel (or handed back), as it was received."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(NegotiationChannel, on_delete=models.PROTECT, related_name="lists")
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    delivered_by = models.CharField(_("delivered by"), max_length=300)
    delivered_at = models.DateTimeField(_("delivered at"))
    file_name = models.CharField(_("file name"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=8)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_matched = models.PositiveIntegerField(_("rows matched"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.IMPORTING)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("delivered list")
        verbose_name_plural = _("delivered lists")
        ordering = ["-delivered_at", "-created_at"]
        constraints = [
            # The same file twice for one channel is one list (the service names the first).
            models.UniqueConstraint(fields=["channel", "sha256"], name="list_file_once_per_channel"),
            not_blank("delivered_by", "list_delivered_by_required"),
            choice_check("direction", Direction, "list_direction_valid"),
            choice_check("status", ListStatus, "list_status_valid"),
            models.CheckConstraint(condition=models.Q(rows_matched__lte=models.F("row_count")), name="list_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.channel}, {self.delivered_at:%Y-%m-%d})"


class ListEntry(models.Model):
    """One row of a list: the person as the list names them, their candidates, and the decision."""

    delivered_list = models.ForeignKey(DeliveredList, on_delete=models.CASCADE, related_name="entries")
    row = models.PositiveIntegerField(_("row"))  # its line in the file (the header is row 1)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    other_names = models.JSONField(_("other names"), default=list)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    citizenships = models.JSONField(_("citizenships"), default=list)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)
    extra = models.JSONField(_("other columns"), default=dict)
    problems = models.JSONField(_("problems"), default=list)  # what was wrong with the row, kept and flagged

    # Filled by the matching: best first, [{"detainee", "score", "label", "reasons"}].
    candidates = models.JSONField(_("candidates"), default=list)
    label = models.CharField(_("match"), max_length=10, choices=MatchLabel.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    detainee = models.ForeignKey(Detainee, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["delivered_list", "row"]
        constraints = [models.UniqueConstraint(fields=["delivered_list", "row"], name="list_entry_row_unique")]

    def __str__(self) -> str:
        return f"{self.full_name} (row {self.row})"
