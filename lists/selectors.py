"""Reads of delivered lists: the counts of a list's rows, the list it follows, and how two lists
compare. The querysets they start from come from core.access."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from lists.choices import Decision, MatchLabel
from lists.matching import name_identities
from lists.models import DeliveredList, ListEntry

COUNTED = (*MatchLabel.values, *Decision.values)


def list_counts(lists: list[DeliveredList]) -> dict:
    """{list id: {"likely", "possible", "none", "confirmed", "rejected", "unsure"}} in one query."""
    aggregates = {f"label_{v}": Count("id", filter=Q(label=v)) for v in MatchLabel.values}
    aggregates |= {f"decision_{v}": Count("id", filter=Q(decision=v)) for v in Decision.values}
    rows = ListEntry.objects.filter(delivered_list__in=[d.pk for d in lists]).values("delivered_list")
    counts = {d.pk: dict.fromkeys(COUNTED, 0) for d in lists}
    for row in rows.annotate(**aggregates).order_by():
        counts[row["delivered_list"]] = {key.split("_", 1)[1]: row[key] for key in aggregates}
    return counts


def list_previous(delivered: DeliveredList, among: QuerySet[DeliveredList]) -> DeliveredList | None:
    """The list of the same channel and direction delivered just before this one."""
    earlier = among.filter(channel_id=delivered.channel_id, direction=delivered.direction).filter(
        Q(delivered_at__lt=delivered.delivered_at)
        | Q(delivered_at=delivered.delivered_at, created_at__lt=delivered.created_at)
    )
    return earlier.order_by("-delivered_at", "-created_at").first()


def entry_person(entry: ListEntry) -> str:
    """Who a row is, for comparing lists: its confirmed detainee, else its likely candidate not
    rejected, else its name (as a key, in any word order)."""
    if entry.decision == Decision.CONFIRMED:
        return f"detainee:{entry.detainee_id}"
    best = next((c for c in entry.candidates if c["detainee"] not in entry.rejected_ids), None)
    if best and best["label"] == MatchLabel.LIKELY and entry.decision != Decision.REJECTED:
        return f"detainee:{best['detainee']}"
    keys = name_identities([entry.full_name, *entry.other_names])
    return f"name:{keys[0] if keys else entry.row}"


@dataclass
class Comparison:
    """Each side's rows with who they are (lists.selectors.entry_person)."""

    added: list[tuple[ListEntry, str]] = field(default_factory=list)  # on this list, not on the other
    dropped: list[tuple[ListEntry, str]] = field(default_factory=list)  # on the other, not on this one
    unchanged: list[tuple[ListEntry, ListEntry, str]] = field(default_factory=list)  # (this, other, who)

    def detainee_ids(self) -> set[str]:
        people = [p for *_, p in (*self.added, *self.dropped, *self.unchanged)]
        return {p.removeprefix("detainee:") for p in people if p.startswith("detainee:")}


def list_compare(delivered: DeliveredList, other: DeliveredList | None) -> Comparison:
    """The people on `delivered` and on `other` (the earlier list, usually): added, dropped, unchanged.
    Without another list, everyone is added."""
    mine = {entry_person(e): e for e in delivered.entries.order_by("-row")}
    theirs = {entry_person(e): e for e in other.entries.order_by("-row")} if other else {}
    return Comparison(
        added=sorted(((e, k) for k, e in mine.items() if k not in theirs), key=lambda pair: pair[0].row),
        dropped=sorted(((e, k) for k, e in theirs.items() if k not in mine), key=lambda pair: pair[0].row),
        unchanged=sorted(((e, theirs[k], k) for k, e in mine.items() if k in theirs), key=lambda t: t[0].row),
    )


def lists_version() -> tuple:
    """What changes whenever any list does (a list added, a batch matched, a decision): for ETags."""
    return tuple(DeliveredList.objects.aggregate(n=Count("id"), v=Sum("version")).values())
