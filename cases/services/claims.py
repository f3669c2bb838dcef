"""Claims: sourced assertions about a case that do not change it until an officer rules on them.

Accepting a claim records its status through the one status service (transitions, four eyes and
family first apply; the change cites the claim) and rejects the other open claims; a claim that
asserts the current status corroborates it. A case whose open claims disagree is in conflict.

A claim of a death only proposes it: the claim is accepted, the other claims stay open (the case is
still uncertain) until a second officer decides; then claim_follow_proposal rules them.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.choices import ClaimState, Confidence, Status
from cases.models import Claim, Detainee, NegotiationChannel, PendingStatusChange
from cases.representations import claim_document, detainee_summary
from cases.services.status_changes import status_change_record
from core.errors import Conflict
from core.models import User
from partners.models import ApiToken


class ClaimRuled(Conflict):
    code = "claim-ruled"


def claims_refresh(detainee: Detainee) -> None:
    """Keep the case's count of open claims, and whether they disagree, in step (caller holds the lock)."""
    asserted = list(detainee.claims.filter(state=ClaimState.OPEN).values_list("asserted_status", flat=True))
    detainee.open_claims = len(asserted)
    detainee.in_conflict = len(set(asserted)) >= 2
    Detainee.objects.filter(pk=detainee.pk).update(open_claims=detainee.open_claims, in_conflict=detainee.in_conflict)


def _announce(detainee: Detainee, type: str, actor: User | None, claims: list[Claim]) -> None:
    event_emit(
        type=type,
        detainee=detainee,
        actor=actor,
        data={
            "detainee": detainee_summary(detainee, internal=True),
            "claims": [claim_document(c) for c in claims],
            "open_claims": detainee.open_claims,
            "in_conflict": detainee.in_conflict,
        },
    )


@transaction.atomic
def claim_record(
    *,
    detainee_id: UUID,
    asserted_status: str,
    source: str,
    actor: User | None,
    token: ApiToken | None = None,
    occurred_at: datetime | None = None,
    confidence: str = Confidence.REPORTED,
    source_url: str = "",
    channel_id: UUID | None = None,
    note: str = "",
) -> Claim:
    now = timezone.now()
    occurred_at = occurred_at or now
    errors = {}
    if asserted_status not in Status.values:
        errors["asserted_status"] = f"'{asserted_status}' is not a status. Statuses: {', '.join(Status.values)}."
    if not source.strip():
        errors["source"] = "A source is required: say who made this claim."
    if confidence not in Confidence.values:
        errors["confidence"] = f"'{confidence}' is not a confidence. Use one of: {', '.join(Confidence.values)}."
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = "Give the time with its UTC offset."
    elif occurred_at > now:
        errors["occurred_at"] = "A claim cannot be dated in the future."
    channel = None
    if channel_id is not None:
        channel = NegotiationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            errors["channel"] = "No such channel."
    if errors:
        raise ValidationError(errors)
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    claim = Claim(
        detainee=detainee,
        asserted_status=asserted_status,
        source=source.strip(),
        source_url=source_url,
        confidence=confidence,
        occurred_at=occurred_at,
        channel=channel,
        note=note,
        recorded_at=now,
        recorded_by=actor,
        recorded_by_token=token,
    )
    claim.full_clean(exclude=["detainee", "channel", "recorded_by", "recorded_by_token", "status_change"])
    claim._history_user = actor
    claim.save(force_insert=True)
    claims_refresh(detainee)
    _announce(detainee, EventType.DETAINEE_CLAIM_RECORDED, actor, [claim])
    return claim


def _locked_claim(detainee_id: UUID, claim_id: UUID, actor: User | None) -> tuple[Detainee, Claim]:
    if actor is None or not actor.has_perm("cases.rule_claim"):
        raise PermissionDenied("Only an officer or an admin may rule on claims.")
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    claim = Claim.objects.select_for_update().filter(pk=claim_id, detainee=detainee).first()
    if claim is None:
        raise Claim.DoesNotExist(f"No claim {claim_id} on this case.")
    if claim.state != ClaimState.OPEN:
        raise ClaimRuled(f"This claim was {claim.state} already, at {claim.ruled_at.isoformat()}.", state=claim.state)
    return detainee, claim


def _rule(claim: Claim, state: str, actor: User, note: str, now: datetime, status_change=None) -> None:
    claim.state = state
    claim.ruled_by = actor
    claim.ruled_at = now
    claim.ruling_note = note
    claim.status_change = status_change
    claim._history_user = actor
    claim.save(update_fields=["state", "ruled_by", "ruled_at", "ruling_note", "status_change"])


@transaction.atomic
def claim_accept(*, detainee_id: UUID, claim_id: UUID, actor: User | None, note: str = "") -> Claim:
    """Accept a claim: its status is recorded (or proposed, for a death) citing it; the other open
    claims are rejected with the ruling note."""
    detainee, claim = _locked_claim(detainee_id, claim_id, actor)
    now = timezone.now()
    change = None
    if claim.asserted_status != detainee.status:
        try:
            recorded = status_change_record(
                detainee_id=detainee.pk,
                to_status=claim.asserted_status,
                source=claim.source,
                source_url=claim.source_url,
                confidence=claim.confidence,
                occurred_at=claim.occurred_at,
                channel_id=claim.channel_id,
                note=note or claim.note,
                actor=actor,
                claim=claim,
            )
        except ValidationError as exc:
            raise Conflict(f"This claim cannot be accepted: {' '.join(exc.messages)}", field="asserted_status") from exc
        if isinstance(recorded, PendingStatusChange):
            _rule(claim, ClaimState.ACCEPTED, actor, note.strip(), now)
            claims_refresh(detainee)
            _announce(detainee, EventType.DETAINEE_CLAIMS_RULED, actor, [claim])
            return claim
        change = recorded
    _rule(claim, ClaimState.ACCEPTED, actor, note.strip(), now, change)
    others = list(detainee.claims.select_for_update().filter(state=ClaimState.OPEN).exclude(pk=claim.pk))
    for other in others:
        _rule(other, ClaimState.REJECTED, actor, note.strip() or f"Another claim was accepted ({claim.source}).", now)
    claims_refresh(detainee)
    _announce(detainee, EventType.DETAINEE_CLAIMS_RULED, actor, [claim, *others])
    return claim


def claim_follow_proposal(*, detainee: Detainee, proposal: PendingStatusChange, actor: User) -> None:
    """The second officer decided the death a claim asserted (caller holds the case's lock): confirmed,
    the claim cites the change and the other open claims are rejected; rejected, so is the claim."""
    claim = Claim.objects.select_for_update().get(pk=proposal.claim_id)
    if claim.state != ClaimState.ACCEPTED or claim.status_change_id:
        return
    others = []
    if proposal.status_change_id:
        claim.status_change = proposal.status_change
        claim._history_user = actor
        claim.save(update_fields=["status_change"])
        note = f"The claim of {claim.source} was confirmed by a second officer."
        others = list(detainee.claims.select_for_update().filter(state=ClaimState.OPEN))
        for other in others:
            _rule(other, ClaimState.REJECTED, actor, note, proposal.decided_at)
    else:
        reason = f"Accepted, but a second officer did not confirm it: {proposal.rejection_reason}"
        _rule(claim, ClaimState.REJECTED, claim.ruled_by, reason, claim.ruled_at)
    claims_refresh(detainee)
    _announce(detainee, EventType.DETAINEE_CLAIMS_RULED, actor, [claim, *others])


@transaction.atomic
def claim_reject(*, detainee_id: UUID, claim_id: UUID, actor: User | None, reason: str) -> Claim:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the claim is rejected."})
    detainee, claim = _locked_claim(detainee_id, claim_id, actor)
    _rule(claim, ClaimState.REJECTED, actor, reason.strip(), timezone.now())
    claims_refresh(detainee)
    _announce(detainee, EventType.DETAINEE_CLAIMS_RULED, actor, [claim])
    return claim
