"""Selectors for the dashboard: the aggregates behind its charts, each a single grouped query."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Avg, Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Now, TruncDate
from django.utils import timezone
from django_countries import countries

from cases.choices import CAPTIVE_STATUSES, Status
from cases.models import Citizenship, Detainee, StatusChange
from core.access import Viewer, citizenships_visible, detainees_visible, status_changes_visible

FREED_STATUSES = (Status.RELEASED, Status.RESCUED, Status.ESCAPED)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    link: str


def status_bars(detainees: QuerySet[Detainee]) -> list[Bar]:
    counts = dict(detainees.order_by().values_list("status").annotate(n=Count("pk")))
    return [Bar(label, counts.get(value, 0), f"/detainees/?status={value}") for value, label in Status.choices]


def nationality_bars(citizenships: QuerySet[Citizenship], limit: int = 12) -> list[Bar]:
    rows = (
        citizenships.order_by()
        .values_list("country")
        .annotate(n=Count("pk"))  # one row per detainee and country
        .order_by("-n", "country")[:limit]
    )
    return [Bar(f"{countries.name(code)} ({code})", n, f"/detainees/?citizenship={code}") for code, n in rows]


def release_days(status_changes: QuerySet[StatusChange]) -> list[Bar]:
    rows = (
        status_changes.filter(to_status=Status.RELEASED)
        .annotate(day=TruncDate("occurred_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    counts = dict(rows)
    if not counts:
        return []
    # Every day between the first and the last release, so a line's gaps are to scale.
    first, last = min(counts), max(counts)
    days = (
        [first + timedelta(days=i) for i in range((last - first).days + 1)]
        if (last - first).days <= 400
        else sorted(counts)
    )
    return [Bar(day.isoformat(), counts.get(day, 0), "/detainees/?status=released") for day in days]


def captivity_bars(detainees: QuerySet[Detainee]) -> list[Bar]:
    """Mean days in captivity, dual versus single nationals: freed ones until they were freed, the
    ones still held (or missing) until now."""
    start = Coalesce("abducted_at", "created_at")
    end = Case(When(status__in=FREED_STATUSES, then=F("status_since")), default=Now())
    rows = (
        detainees.filter(Q(status__in=FREED_STATUSES) | Q(status__in=CAPTIVE_STATUSES))
        .annotate(
            dual=Case(When(citizenship_count__gte=2, then=Value(True)), default=Value(False)),
            freed=Case(When(status__in=FREED_STATUSES, then=Value(True)), default=Value(False)),
            days=ExpressionWrapper(end - start, output_field=DurationField()),
        )
        .order_by()
        .values_list("dual", "freed")
        .annotate(mean=Avg("days"), count=Count("pk"))
    )
    bars = []
    for dual, freed, mean, count in sorted(rows, key=lambda r: (not r[1], not r[0])):
        group = "Dual" if dual else "Single"
        state = "freed" if freed else "still held"
        days = (mean or timedelta()).total_seconds() / 86400
        status = "released,rescued,escaped" if freed else "missing,held,release_pending"
        bars.append(
            Bar(f"{group}, {state} — {count}", round(days, 1), f"/detainees/?dual={str(dual).lower()}&status={status}")
        )
    return bars


# Days since the last proof of life (or the abduction, when there is none), for those still held.
PROOF_OF_LIFE_BUCKETS = ((0, 7), (8, 30), (31, 90), (91, 180), (181, 365), (366, None))


def proof_of_life_bars(detainees: QuerySet[Detainee]) -> list[Bar]:
    now = timezone.now()
    captive = detainees.filter(status__in=CAPTIVE_STATUSES)
    counts = captive.aggregate(
        **{
            f"b{low}": Count(
                "pk",
                filter=Q(proof_of_life_clock__lte=now - timedelta(days=low))
                & (Q() if high is None else Q(proof_of_life_clock__gt=now - timedelta(days=high + 1))),
            )
            for low, high in PROOF_OF_LIFE_BUCKETS
        }
    )
    bars = []
    for low, high in PROOF_OF_LIFE_BUCKETS:
        label = f"{low}–{high} days" if high is not None else f"over {low - 1} days"
        bars.append(
            Bar(label, counts[f"b{low}"], f"/detainees/?proof_of_life_older_than={low}&ordering=last_proof_of_life")
        )
    return bars


def attention_counts(detainees: QuerySet[Detainee]) -> dict[str, int]:
    """What waits on an officer: deaths awaiting a second officer, families still to be told, cases
    whose claims conflict (one query)."""
    return detainees.aggregate(
        awaiting=Count("pk", filter=Q(awaiting_confirmation=True)),
        withheld=Count("pk", filter=Q(withholding=True)),
        in_conflict=Count("pk", filter=Q(in_conflict=True)),
    )


def dashboard_figures(viewer: Viewer) -> dict[str, list[Bar]]:
    """The dashboard's figures over the cases this reader may see (core.access)."""
    detainees = detainees_visible(viewer)
    return {
        "proof_of_life": proof_of_life_bars(detainees),
        "status": status_bars(detainees),
        "nationality": nationality_bars(citizenships_visible(viewer)),
        "releases": release_days(status_changes_visible(viewer)),
        "captivity": captivity_bars(detainees),
    }
