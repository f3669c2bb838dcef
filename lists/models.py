"""A list of people delivered through a channel, its rows, and the decisions officers made on them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import ChannelMembership, Claim, Detainee, NegotiationChannel
from core.constraints import choice_check, not_blank
from lists.choices import Decision, Direction, ListStatus, MatchLabel, RememberedDecision


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
    # Rises with every batch matched and every decision: what the list's ETags follow.
    version = models.PositiveIntegerField(_("version"), default=1)
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
    # The candidates an officer said are not this person (remembered for later lists too).
    rejected = models.JSONField(_("rejected candidates"), default=list)
    # Set when the decision was carried over from an earlier list's row, not made on this one.
    remembered_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("remembered from")
    )
    # What confirming the row did, so that undoing it can take it back: a channel link (a list
    # handed to the counterpart) or a claim (a list handed back).
    membership = models.ForeignKey(
        ChannelMembership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["delivered_list", "row"]
        constraints = [
            models.UniqueConstraint(fields=["delivered_list", "row"], name="list_entry_row_unique"),
            choice_check("label", MatchLabel, "list_entry_label_valid", blank=True),
            choice_check("decision", Decision, "list_entry_decision_valid", blank=True),
            # A confirmed row names its detainee; no other row does.
            models.CheckConstraint(
                condition=models.Q(decision=Decision.CONFIRMED, detainee__isnull=False)
                | (~models.Q(decision=Decision.CONFIRMED) & models.Q(detainee__isnull=True)),
                name="list_entry_confirmed_names_detainee",
            ),
        ]
        indexes = [models.Index(fields=["delivered_list", "label", "row"], name="list_entry_by_label")]

    def __str__(self) -> str:
        return f"{self.full_name} (row {self.row})"

    @property
    def rejected_ids(self) -> set[str]:
        return set(self.rejected)


class RememberedPair(models.Model):
    """A decision about a person as lists name them and a detainee, carried over to later lists: a
    pair rejected once is not proposed again; a pair confirmed once is confirmed again (undoably).

    `name` is one of the row's names as a key (cases.names.name_key, its words sorted), so the same
    person written the same way, in whichever word order, is recognised; a date of birth, when the
    row had one, must agree too.
    """

    name = models.CharField(_("name key"), max_length=300)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=RememberedDecision.choices)
    entry = models.ForeignKey(ListEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("remembered decision")
        verbose_name_plural = _("remembered decisions")
        constraints = [
            models.UniqueConstraint(fields=["name", "detainee"], name="remembered_pair_once"),
            choice_check("decision", RememberedDecision, "remembered_pair_decision_valid"),
            not_blank("name", "remembered_pair_name_required"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ~ {self.detainee_id}: {self.decision}"
