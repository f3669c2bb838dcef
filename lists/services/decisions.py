"""What an officer decides on a row of a delivered list, and what that does.

Confirming a row says "this is that detainee": on a list handed to the counterpart the detainee is
linked to the channel as `requested`; on a list handed back it records a claim that the person is
held, sourced to the list (a claim, not a status change: the counterpart's word, until an officer
rules on it). Rejecting says "not that detainee". Both are remembered for later lists (lists.models.
RememberedPair). Changing or undoing a decision takes back what the earlier one did: the channel
link it made is removed, the claim it recorded is rejected if nobody has ruled on it yet.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.choices import ChannelRole, ClaimState, Confidence, Script, Sex, Status
from cases.models import ChannelMembership, Detainee
from cases.names import script_of
from cases.services.channels import channel_member_link, channel_member_unlink
from cases.services.claims import claim_record, claim_reject
from cases.services.detainees import NameVariantInput, detainee_create
from core.errors import Conflict
from core.models import User
from lists import matching
from lists.choices import Decision, Direction, ListStatus, RememberedDecision
from lists.models import DeliveredList, ListEntry, RememberedPair

_SCRIPTS = {"LATIN": Script.LATIN, "CYRILLIC": Script.CYRILLIC, "HEBREW": Script.HEBREW, "ARABIC": Script.ARABIC}


class ListNotReady(Conflict):
    code = "list-not-ready"


class EntryMatched(Conflict):
    code = "entry-matched"


def _locked(list_id: UUID, entry_id: int) -> tuple[DeliveredList, ListEntry]:
    delivered = DeliveredList.objects.select_for_update().get(pk=list_id)
    if delivered.status != ListStatus.READY:
        raise ListNotReady(
            f"The list is {delivered.get_status_display().lower()}, not ready: decide on its rows once it is matched."
        )
    entry = ListEntry.objects.select_for_update().get(pk=entry_id, delivered_list=delivered)
    return delivered, entry


def _source(delivered: DeliveredList, entry: ListEntry) -> str:
    how = "handed to the counterpart" if delivered.direction == Direction.TO_COUNTERPART else "handed back"
    return (
        f"List '{delivered.file_name}' {how} by {delivered.delivered_by} on {delivered.delivered_at:%Y-%m-%d}, "
        f"row {entry.row}"
    )[:300]


def _identities(entry: ListEntry) -> list[str]:
    return matching.name_identities([n for n in (entry.full_name, *entry.other_names) if n])


def _remember(entry: ListEntry, detainee_id, decision: str, actor: User | None, now: datetime) -> None:
    for name in _identities(entry):
        RememberedPair.objects.update_or_create(
            name=name,
            detainee_id=detainee_id,
            defaults={
                "decision": decision,
                "date_of_birth": entry.date_of_birth,
                "entry": entry,
                "decided_by": actor,
                "decided_at": now,
            },
        )


def _forget(entry: ListEntry, detainee_id, decision: str) -> None:
    RememberedPair.objects.filter(name__in=_identities(entry), detainee_id=detainee_id, decision=decision).delete()


def _apply(delivered: DeliveredList, entry: ListEntry, detainee_id, actor: User | None) -> None:
    """What confirming the row does to the case: a channel link, or a claim."""
    if delivered.direction == Direction.TO_COUNTERPART:
        linked = ChannelMembership.objects.filter(
            channel_id=delivered.channel_id, detainee_id=detainee_id, role=ChannelRole.REQUESTED
        ).exists()
        if not linked:  # already requested in this channel: nothing to add, nothing to take back later
            entry.membership = channel_member_link(
                channel_id=delivered.channel_id,
                detainee_id=detainee_id,
                role=ChannelRole.REQUESTED,
                actor=actor,
                source=_source(delivered, entry),
            )
    else:
        entry.claim = claim_record(
            detainee_id=detainee_id,
            asserted_status=Status.HELD,
            source=_source(delivered, entry),
            occurred_at=min(delivered.delivered_at, timezone.now()),
            confidence=Confidence.REPORTED,
            channel_id=delivered.channel_id,
            note=f"Named on the list as: {entry.full_name}"[:2000],
            actor=actor,
        )


def _take_back(delivered: DeliveredList, entry: ListEntry, actor: User | None) -> None:
    """Undo what an earlier confirmation did (the link it made, its claim if still open) and forget it."""
    if entry.decision == Decision.CONFIRMED:
        _forget(entry, entry.detainee_id, RememberedDecision.CONFIRMED)
    if entry.membership_id:
        channel_member_unlink(channel_id=delivered.channel_id, membership_id=entry.membership_id, actor=actor)
        entry.membership = None
    if entry.claim_id:
        if entry.claim.state == ClaimState.OPEN:
            claim_reject(
                detainee_id=entry.detainee_id,
                claim_id=entry.claim_id,
                actor=actor,
                reason=f"The match of row {entry.row} of list '{delivered.file_name}' was undone.",
            )
        entry.claim = None
    entry.detainee = None
    entry.remembered_from = None


def _save(delivered: DeliveredList, entry: ListEntry) -> None:
    entry.save()
    delivered.version += 1
    delivered.save(update_fields=["version"])


def _best_open_candidate(entry: ListEntry) -> str | None:
    return next((c["detainee"] for c in entry.candidates if c["detainee"] not in entry.rejected_ids), None)


@transaction.atomic
def entry_decide(
    *, list_id: UUID, entry_id: int, decision: str, actor: User | None, detainee_id: UUID | None = None
) -> ListEntry:
    """Confirm, reject or mark "not sure". Without `detainee_id`, confirming and rejecting concern
    the row's best candidate not yet rejected."""
    if decision not in Decision.values:
        raise ValidationError(
            {"decision": f"'{decision}' is not a decision. Use one of: {', '.join(Decision.values)}."}
        )
    delivered, entry = _locked(list_id, entry_id)
    target = str(detainee_id) if detainee_id else None
    if decision != Decision.UNSURE:
        target = target or _best_open_candidate(entry)
        if target is None and decision == Decision.CONFIRMED:
            raise ValidationError({"detainee": "This row has no candidate left: say which detainee it names."})
        if target is not None and not Detainee.objects.filter(pk=target).exists():
            raise ValidationError({"detainee": "No such detainee."})
    if decision == Decision.CONFIRMED and entry.decision == Decision.CONFIRMED and str(entry.detainee_id) == target:
        return entry  # the same decision again changes nothing
    now = timezone.now()
    _take_back(delivered, entry, actor)
    if decision == Decision.CONFIRMED:
        entry.rejected = [d for d in entry.rejected if d != target]
        entry.detainee_id = target
        _apply(delivered, entry, target, actor)
        _remember(entry, target, RememberedDecision.CONFIRMED, actor, now)
    elif decision == Decision.REJECTED and target is not None:
        entry.rejected = [*entry.rejected, target] if target not in entry.rejected_ids else entry.rejected
        _remember(entry, target, RememberedDecision.REJECTED, actor, now)
    entry.decision = decision
    entry.decided_by = actor
    entry.decided_at = now
    _save(delivered, entry)
    return entry


@transaction.atomic
def entry_undo(*, list_id: UUID, entry_id: int, actor: User | None) -> ListEntry:
    """Take the row's decision back, whether made here or carried over from an earlier list: what it
    did is undone, and what it taught the matcher is forgotten."""
    delivered, entry = _locked(list_id, entry_id)
    _take_back(delivered, entry, actor)
    RememberedPair.objects.filter(entry=entry, decision=RememberedDecision.REJECTED).delete()
    entry.rejected = []
    entry.decision = ""
    entry.decided_by = None
    entry.decided_at = None
    _save(delivered, entry)
    return entry


def entry_confirm_remembered(*, delivered: DeliveredList, entry: ListEntry, pair: RememberedPair) -> None:
    """Confirm a row as an earlier list's row was (the matcher calls this in its batch's transaction).
    Its effects are recorded in the name of whoever uploaded the list."""
    actor = delivered.created_by
    entry.detainee_id = pair.detainee_id
    entry.decision = Decision.CONFIRMED
    entry.decided_by = None
    entry.decided_at = timezone.now()
    entry.remembered_from = pair.entry
    _apply(delivered, entry, pair.detainee_id, actor)
    entry.save()


def _variants(entry: ListEntry) -> list[NameVariantInput]:
    names = dict.fromkeys(n.strip() for n in entry.other_names if n.strip() and n.strip() != entry.full_name)
    return [NameVariantInput(n, _SCRIPTS[script_of(n)]) for n in names if script_of(n) in _SCRIPTS]


@transaction.atomic
def entry_detainee_create(*, list_id: UUID, entry_id: int, actor: User | None) -> ListEntry:
    """A new case from a row nobody in the registry matches, filled in from the row, and the row
    confirmed with it."""
    delivered, entry = _locked(list_id, entry_id)
    if entry.decision == Decision.CONFIRMED:
        raise EntryMatched(f"This row is matched to {entry.detainee.case_ref} already; undo that first.")
    if not entry.full_name:
        raise ValidationError({"full_name": "This row has no name to open a case with."})
    detainee = detainee_create(
        full_name=entry.full_name,
        actor=actor,
        sex=entry.sex or Sex.UNKNOWN,
        date_of_birth=entry.date_of_birth,
        citizenships=entry.citizenships,
        name_variants=_variants(entry),
        citizenship_source=_source(delivered, entry),
    )
    return entry_decide(
        list_id=delivered.pk, entry_id=entry.pk, decision=Decision.CONFIRMED, detainee_id=detainee.pk, actor=actor
    )
