"""Receiving a delivered list (checked and stored in one transaction) and matching its rows in the
background, a batch per transaction, with what officers decided on earlier lists carried over."""

import hashlib
import logging
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Detainee, NegotiationChannel
from cases.selectors import detainees_named_like
from core.errors import Conflict
from core.models import User
from core.queue import send_after_commit
from lists import matching
from lists.choices import Direction, ListStatus, MatchLabel, RememberedDecision
from lists.models import DeliveredList, ListEntry, RememberedPair
from lists.parsing import FileRefused, parse_list
from lists.services.decisions import entry_confirm_remembered

logger = logging.getLogger(__name__)
LIST_MATCH = "lists.tasks.list_match"
BATCH = 50
CANDIDATES = 5
RETRIEVED = 40  # detainees rescored per row, found by their name keys' trigrams


class ListAlreadyImported(Conflict):
    code = "list-already-imported"


@transaction.atomic
def list_upload(
    *,
    channel_id: UUID,
    direction: str,
    delivered_by: str,
    file_name: str,
    content: bytes,
    actor: User | None,
    delivered_at: datetime | None = None,
) -> DeliveredList:
    """Store a delivered list and its rows, and hand the matching to a worker (after the commit)."""
    errors = {}
    try:
        channel = NegotiationChannel.objects.filter(pk=channel_id).first()
    except (ValueError, ValidationError):  # not an id at all
        channel = None
    if channel is None:
        errors["channel"] = "No such channel."
    if direction not in Direction.values:
        errors["direction"] = f"'{direction}' is not a direction. Use one of: {', '.join(Direction.values)}."
    if not delivered_by.strip():
        errors["delivered_by"] = "Say who handed the list over."
    delivered_at = delivered_at or timezone.now()
    if delivered_at > timezone.now():
        errors["delivered_at"] = "A list cannot be delivered in the future."
    try:
        file_format, rows = parse_list(file_name, content)
    except FileRefused as exc:
        errors["file"] = str(exc)
    if errors:
        raise ValidationError(errors)
    sha256 = hashlib.sha256(content).hexdigest()
    first = DeliveredList.objects.filter(channel=channel, sha256=sha256).first()
    if first is not None:
        raise ListAlreadyImported(
            f"This file was imported for this channel already: '{first.file_name}', delivered by "
            f"{first.delivered_by} on {first.delivered_at:%Y-%m-%d} (list {first.pk}).",
            field="file",
            existing_list=str(first.pk),
        )
    delivered = DeliveredList.objects.create(
        channel=channel,
        direction=direction,
        delivered_by=delivered_by.strip(),
        delivered_at=delivered_at,
        file_name=file_name[:300],
        sha256=sha256,
        file_format=file_format,
        row_count=len(rows),
        created_by=actor,
    )
    ListEntry.objects.bulk_create(
        [
            ListEntry(
                delivered_list=delivered,
                row=r.row,
                full_name=r.full_name[:300],
                other_names=r.other_names,
                date_of_birth=r.date_of_birth,
                citizenships=r.citizenships,
                sex=r.sex,
                note=r.note,
                extra=r.extra,
                problems=r.problems,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    send_after_commit(LIST_MATCH, str(delivered.pk))
    return delivered


def _registry_person(detainee: Detainee) -> matching.Person:
    return matching.Person(
        names=(detainee.full_name, *(v.name for v in detainee.name_variants.all())),
        date_of_birth=detainee.date_of_birth.isoformat() if detainee.date_of_birth else None,
        sex=detainee.sex if detainee.sex in ("female", "male") else None,
        citizenships=tuple(c.country for c in detainee.citizenships.all()),
    )


def _entry_person(entry: ListEntry) -> matching.Person:
    return matching.Person(
        names=tuple(n for n in (entry.full_name, *entry.other_names) if n),
        date_of_birth=entry.date_of_birth.isoformat() if entry.date_of_birth else None,
        sex=entry.sex if entry.sex in ("female", "male") else None,
        citizenships=tuple(entry.citizenships),
    )


def remembered_pairs(entry: ListEntry) -> list[RememberedPair]:
    """What was decided before about this person as the row names them (any of its names, in any word
    order; a date of birth given on both sides must agree)."""
    keys = matching.name_identities(_entry_person(entry).names)
    if not keys:
        return []
    pairs = RememberedPair.objects.filter(name__in=keys).select_related("entry__delivered_list")
    if entry.date_of_birth:
        pairs = pairs.filter(Q(date_of_birth__isnull=True) | Q(date_of_birth=entry.date_of_birth))
    return list(pairs.order_by("decided_at"))


def _ours(entry: ListEntry) -> str | None:
    """The case a row names by our own PFIF record id (`<PFIF_DOMAIN>/<case ref>`): a record of ours
    coming back, from our export or a partner's system that kept the id, as PFIF means ids to be kept."""
    record_id = str(entry.extra.get("person_record_id", ""))
    prefix = f"{settings.PFIF_DOMAIN}/"
    if not record_id.startswith(prefix):
        return None
    found = Detainee.objects.filter(case_ref=record_id.removeprefix(prefix)).values_list("pk", flat=True).first()
    return str(found) if found else None


def entry_candidates(entry: ListEntry, pairs: list[RememberedPair] = ()) -> list[dict]:
    """The entry's best candidates, best first: [{"detainee", "score", "label", "reasons"}]. A detainee
    rejected for this person before is not proposed; one confirmed before always is; one the row
    names by our PFIF record id comes first (its namesakes are other people)."""
    person = _entry_person(entry)
    if not person.names:
        return []
    latest = {str(p.detainee_id): p for p in pairs}  # oldest first: the latest decision wins
    rejected = {d for d, p in latest.items() if p.decision == RememberedDecision.REJECTED}
    confirmed = {d: p for d, p in latest.items() if p.decision == RememberedDecision.CONFIRMED}
    ours = _ours(entry)
    retrieved = detainees_named_like(person.names, person.date_of_birth, limit=RETRIEVED)
    found = {str(d.pk): _registry_person(d) for d in retrieved if str(d.pk) not in rejected}
    missing = [d for d in (*confirmed, *([ours] if ours else [])) if d not in found]
    for detainee in Detainee.objects.filter(pk__in=missing).prefetch_related("name_variants", "citizenships"):
        found[str(detainee.pk)] = _registry_person(detainee)
    ranked = sorted(matching.best_candidates(person, found, limit=len(found)), key=lambda km: km[0] != ours)
    candidates = []
    for key, m in ranked:
        if key == ours:
            m.reasons.append(f"our PFIF record id ({entry.extra['person_record_id']})")
        if key in confirmed:
            pair = confirmed[key]
            source = pair.entry.delivered_list.file_name if pair.entry else "an earlier list"
            m.reasons.append(f"confirmed before ({source})")
        elif key != ours and (not m.label or len(candidates) >= CANDIDATES):
            continue
        candidates.append(
            {"detainee": key, "score": m.score, "label": m.label or MatchLabel.NONE, "reasons": m.reasons}
        )
    return candidates


def list_match(*, list_id: UUID) -> DeliveredList:
    """Match the rows not yet matched, a batch per transaction, so the progress shows as it goes and
    a worker that dies leaves the rest to be resumed."""
    delivered = DeliveredList.objects.get(pk=list_id)
    try:
        while True:
            with transaction.atomic():
                delivered = DeliveredList.objects.select_for_update().get(pk=list_id)
                batch = list(delivered.entries.filter(row__gt=_last_matched_row(delivered)).order_by("row")[:BATCH])
                if not batch:
                    delivered.status = ListStatus.READY
                    delivered.version += 1
                    delivered.save(update_fields=["status", "version"])
                    return delivered
                carried = []
                for entry in batch:
                    pairs = remembered_pairs(entry)
                    entry.candidates = entry_candidates(entry, pairs)
                    entry.label = entry.candidates[0]["label"] if entry.candidates else MatchLabel.NONE
                    confirmed = {str(p.detainee_id): p for p in pairs}
                    confirmed = [p for p in confirmed.values() if p.decision == RememberedDecision.CONFIRMED]
                    # Carried over only when it is unambiguous: one person confirmed for this name.
                    if len(confirmed) == 1 and not entry.decision:
                        carried.append((entry, confirmed[0]))
                ListEntry.objects.bulk_update(batch, ["candidates", "label"])
                for entry, pair in carried:
                    entry_confirm_remembered(delivered=delivered, entry=entry, pair=pair)
                delivered.rows_matched += len(batch)
                delivered.version += 1
                delivered.save(update_fields=["rows_matched", "version"])
    except Exception as exc:
        logger.exception("matching list %s failed", list_id)
        DeliveredList.objects.filter(pk=list_id).update(status=ListStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise


def _last_matched_row(delivered: DeliveredList) -> int:
    last = delivered.entries.exclude(label="").order_by("-row").values_list("row", flat=True).first()
    return last or 0
