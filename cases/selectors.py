"""Reads of cases: the related rows a representation needs, the histories, and the aggregates.

What a reader may see at all is decided by core.access; these functions take its querysets.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Count, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from cases.models import ChannelEvent, Detainee, NegotiationChannel, StatusChange
from cases.names import name_key, name_words
from core.access import Viewer, column

SMALL_REGISTRY = 5000


def channel_events_of(channel: NegotiationChannel) -> QuerySet[ChannelEvent]:
    return channel.events.all()


def status_changes_of(detainee: Detainee) -> QuerySet[StatusChange]:
    return detainee.status_changes.select_related("recorded_by", "recorded_by_token")


def detainees_named_like(
    names, date_of_birth: str | None = None, *, limit: int, related: tuple[str, ...] = ("name_variants", "citizenships")
) -> list[Detainee]:
    """A short list of detainees worth comparing with these names, most alike first: a name close to
    one of theirs as a whole — by its Latin key, or by its consonant skeleton (what a Hebrew or Arabic
    spelling is found by) — through the trigram indexes; or the same date of birth. Their `related`
    rows come prefetched.

    Whole names, not word by word: a short common word (Ben, Ami, a two-consonant skeleton) is close
    to tens of thousands of names, and scoring them all cost a search 0.1 to 0.6 s on 100,000 people."""
    if connection.vendor != "postgresql":
        # The embedded SQLite demo has no trigram index; its registry is small enough to compare whole.
        return list(Detainee.objects.prefetch_related(*related)[:SMALL_REGISTRY])
    keys = {key for key in (name_key(name) for name in names) if len(key) >= 3}
    skeletons = set()
    for name in names:
        skeleton = " ".join(readings[0] for readings in name_words(name)[1] if readings[0])
        if len(skeleton.replace(" ", "")) >= 2:
            skeletons.add(skeleton)
    wanted, alike = Q(), [Value(0.0)]
    for key in keys:
        wanted |= Q(search_names__trigram_word_similar=key)
        alike.append(TrigramWordSimilarity(Value(key), "search_names"))
    for skeleton in skeletons:
        wanted |= Q(search_skeletons__trigram_word_similar=skeleton)
        alike.append(TrigramWordSimilarity(Value(skeleton), "search_skeletons"))
    # A name too short to look up (one or two letters) leaves nothing to be alike by but the date.
    score = Greatest(*alike, output_field=FloatField()) if len(alike) > 1 else Value(0.0)
    if date_of_birth:
        # Among namesakes, the one born that day first (a registry holds many people of one name).
        wanted |= Q(date_of_birth=date_of_birth)
        score = score + Case(When(date_of_birth=date_of_birth, then=Value(1.0)), default=Value(0.0))
    if not wanted:
        return []
    return list(
        Detainee.objects.filter(wanted)
        .annotate(alike=score)
        .order_by("-alike", "case_ref")
        .prefetch_related(*related)[:limit]
    )


# --- Aggregates -----------------------------------------------------------------------------------

STAT_DIMENSIONS = {
    "citizenship": "citizenships__country",
    "status": "status",
    "channel": "channel_memberships__channel",
}


def detainee_counts(queryset: QuerySet[Detainee], by: list[str], viewer: Viewer) -> list[dict]:
    """Counts of distinct detainees grouped by one or two dimensions; a dual citizen counts under each
    citizenship, a detainee in two channels under each channel; the status as the reader may know it."""
    columns = [column(viewer, STAT_DIMENSIONS[name]) for name in by]
    rows = queryset.order_by().values(*columns).annotate(count=Count("pk", distinct=True)).order_by(*columns)
    out = []
    for row in rows:
        item = {}
        for name, key in zip(by, columns, strict=True):
            value = row[key]
            item[name] = str(value) if value is not None and name == "channel" else value
        item["count"] = row["count"]
        out.append(item)
    return out


# --- Facts under uncertainty, for the case page -----------------------------------------------------


def facts_context(user, detainee: Detainee) -> dict:
    """What the case page shows of proposals, the family-first hold, claims, proofs of life and the
    people held with this one (and the news about them)."""
    from django.utils import timezone

    from cases.forms import (
        CaptivityGroupForm,
        ClaimForm,
        FamilyNotificationForm,
        GroupJoinForm,
        ProofOfLifeForm,
        ReasonForm,
    )
    from cases.models import CaptivityGroupMembership, ProofOfLife

    proposal = (
        detainee.pending_status_changes.filter(state="awaiting_confirmation").select_related("proposed_by").first()
    )
    groups = list(detainee.captivity_groups.all())
    co_members = list(
        CaptivityGroupMembership.objects.filter(group__in=groups)
        .exclude(detainee=detainee)
        .values_list("detainee_id", flat=True)
        .distinct()
    )
    news = sorted(
        [
            (c.recorded_at, c.detainee, f"status {c.from_status} → {c.to_status}", c.source)
            for c in StatusChange.objects.filter(detainee_id__in=co_members).select_related("detainee")
        ]
        + [
            (
                p.recorded_at,
                p.detainee,
                f"proof of life ({p.get_kind_display()}) seen {p.observed_at:%Y-%m-%d}",
                p.source,
            )
            for p in ProofOfLife.objects.filter(detainee_id__in=co_members).select_related("detainee")
        ],
        key=lambda item: item[0],
        reverse=True,
    )[:10]
    last = detainee.last_proof_of_life_at
    return {
        "proposal": proposal,
        "may_decide": proposal is not None
        and user.has_perm("cases.decide_pendingstatuschange")
        and proposal.proposed_by_id != user.pk,
        "family_notifications": detainee.family_notifications.select_related("recorded_by"),
        "claims": detainee.claims.select_related("recorded_by", "ruled_by"),
        "proofs": detainee.proofs_of_life.select_related("recorded_by")[:20],
        "days_since_proof": (timezone.now() - last).days if last else None,
        "groups": [(g, [m.detainee for m in g.memberships.select_related("detainee")]) for g in groups],
        "group_news": news,
        "reason_form": ReasonForm(),
        "family_form": FamilyNotificationForm(prefix="family"),
        "claim_form": ClaimForm(initial={"asserted_status": detainee.status}, prefix="claim"),
        "proof_form": ProofOfLifeForm(prefix="proof"),
        "group_form": CaptivityGroupForm(prefix="group"),
        "join_form": GroupJoinForm(prefix="join", detainee=detainee),
    }
