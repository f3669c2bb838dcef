"""Recording a change in a detainee's status: the one place the lifecycle rules live.

The browser, the API, the admin, claim rulings and imports all call status_change_record; four eyes
(a death waits for a second officer: status_change_confirm / status_change_reject) and family first
(a death is withheld from partners until cases.services.family_notifications releases it) are
decided here, so no caller can go around them.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts.choices import EventAudience, EventType
from alerts.services.events import event_emit
from cases.choices import (
    CONFIRMED_BY_SECOND_OFFICER,
    TRANSITIONS,
    WITHHELD_UNTIL_FAMILY_INFORMED,
    Confidence,
    ProposalState,
    Status,
    allowed_next_statuses,
)
from cases.models import Claim, Detainee, NegotiationChannel, PendingStatusChange, StatusChange
from cases.representations import detainee_summary, proposal_payload, status_change_payload
from core.errors import Conflict, InvalidTransition, StaleStatus, StaleVersion
from core.models import User
from partners.models import ApiToken


def _describe_allowed(status: str) -> str:
    allowed = allowed_next_statuses(status)
    if not allowed:
        return f"'{status}' is final: no further status may be recorded (an admin may record a correction)."
    return f"From '{status}' the allowed next statuses are: {', '.join(allowed)}."


def _check_input(*, to_status: str, source: str, confidence: str, is_correction: bool, correction_reason: str) -> None:
    errors: dict[str, str] = {}
    if to_status not in Status.values:
        errors["to_status"] = f"'{to_status}' is not a status. Statuses: {', '.join(Status.values)}."
    if not source.strip():
        errors["source"] = "A source is required: say where this fact came from."
    if confidence not in Confidence.values:
        errors["confidence"] = f"'{confidence}' is not a confidence. Use one of: {', '.join(Confidence.values)}."
    if is_correction and not correction_reason.strip():
        errors["correction_reason"] = "A correction needs a reason."
    if not is_correction and correction_reason.strip():
        errors["correction_reason"] = "A reason is only given with a correction."
    if errors:
        raise ValidationError(errors)


def _check_timing(*, occurred_at: datetime, now: datetime, current_since: datetime, is_correction: bool) -> None:
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Give the time with its UTC offset."})
    if occurred_at > now:
        raise ValidationError({"occurred_at": "A status change cannot be dated in the future."})
    if not is_correction and occurred_at < current_since:
        raise ValidationError(
            {
                "occurred_at": (
                    f"The current status dates from {current_since.isoformat()}; a new change cannot be dated "
                    "before it (an admin may record a correction instead)."
                )
            }
        )


class ProposalPending(Conflict):
    code = "proposal-pending"


class ProposalDecided(Conflict):
    code = "proposal-decided"


class ProposalStale(Conflict):
    code = "proposal-stale"


def _check_state(
    detainee: Detainee,
    *,
    to_status: str,
    occurred_at: datetime,
    now: datetime,
    from_status: str | None,
    expected_version: int | None,
    is_correction: bool,
) -> None:
    current = detainee.status
    if expected_version is not None and expected_version != detainee.version:
        raise StaleVersion(
            f"The record changed since you loaded it (version {expected_version}, now {detainee.version}).",
            current_version=detainee.version,
        )
    if from_status is not None and from_status != current:
        raise StaleStatus(
            f"The current status is '{current}', not '{from_status}': someone recorded a change meanwhile.",
            field="from_status",
            current_status=current,
            allowed=list(allowed_next_statuses(current)),
        )
    if not is_correction and to_status not in TRANSITIONS.get(current, ()):
        raise InvalidTransition(
            f"Cannot change status from '{current}' to '{to_status}'. {_describe_allowed(current)}",
            field="to_status",
            current_status=current,
            allowed=list(allowed_next_statuses(current)),
        )
    _check_timing(occurred_at=occurred_at, now=now, current_since=detainee.status_since, is_correction=is_correction)


def _channel(channel_id: UUID | None) -> NegotiationChannel | None:
    if channel_id is None:
        return None
    channel = NegotiationChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise ValidationError({"channel": "No such channel."})
    return channel


@transaction.atomic
def status_change_record(
    *,
    detainee_id: UUID,
    to_status: str,
    source: str,
    actor: User | None,
    token: ApiToken | None = None,
    occurred_at: datetime | None = None,
    confidence: str = Confidence.REPORTED,
    source_url: str = "",
    channel_id: UUID | None = None,
    note: str = "",
    from_status: str | None = None,
    expected_version: int | None = None,
    is_correction: bool = False,
    correction_reason: str = "",
    claim: Claim | None = None,
) -> StatusChange | PendingStatusChange:
    """Append one change to the detainee's history and move its current status, in one transaction;
    or, for a death, propose it: a PendingStatusChange that changes nothing until another officer
    confirms it (status_change_confirm).

    The detainee row is locked first, so concurrent writers on one case queue up and each sees the
    status the previous one left: the history always chains (each from-status is the previous
    to-status). The unique (detainee, sequence) constraint backs that up in the database.
    """
    _check_input(
        to_status=to_status,
        source=source,
        confidence=confidence,
        is_correction=is_correction,
        correction_reason=correction_reason,
    )
    if is_correction and (actor is None or not actor.has_perm("cases.correct_statuschange")):
        raise PermissionDenied("Only an admin may record a correction.")

    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    now = timezone.now()
    occurred_at = occurred_at or now
    _check_state(
        detainee,
        to_status=to_status,
        occurred_at=occurred_at,
        now=now,
        from_status=from_status,
        expected_version=expected_version,
        is_correction=is_correction,
    )
    channel = _channel(channel_id)
    fields = {
        "from_status": detainee.status,
        "to_status": to_status,
        "occurred_at": occurred_at,
        "source": source.strip(),
        "source_url": source_url,
        "confidence": confidence,
        "channel": channel,
        "note": note,
        "is_correction": is_correction,
        "correction_reason": correction_reason.strip(),
        "claim": claim,
    }
    if to_status in CONFIRMED_BY_SECOND_OFFICER:
        return _propose(detainee, fields, actor=actor, token=token, now=now)
    return _append(detainee, fields, recorded_by=actor, token=token, recorded_at=now, actor=actor)


def _propose(detainee: Detainee, fields: dict, *, actor: User | None, token: ApiToken | None, now: datetime):
    waiting = detainee.pending_status_changes.filter(state=ProposalState.AWAITING_CONFIRMATION).first()
    if waiting is not None:
        raise ProposalPending(
            f"A change to '{waiting.to_status}' proposed at {waiting.proposed_at.isoformat()} awaits confirmation "
            "by a second officer: confirm or reject it first.",
            field="to_status",
            pending_status_change=str(waiting.pk),
        )
    proposal = PendingStatusChange(detainee=detainee, proposed_at=now, proposed_by=actor, proposed_by_token=token)
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal._history_user = actor
    proposal.save(force_insert=True)
    Detainee.objects.filter(pk=detainee.pk).update(awaiting_confirmation=True)
    detainee.awaiting_confirmation = True
    event_emit(
        type=EventType.DETAINEE_STATUS_CHANGE_PROPOSED,
        detainee=detainee,
        actor=actor,
        data={
            "detainee": detainee_summary(detainee, internal=True),
            "pending_status_change": proposal_payload(proposal),
        },
    )
    return proposal


def _append(
    detainee: Detainee,
    fields: dict,
    *,
    recorded_by: User | None,
    token: ApiToken | None,
    recorded_at: datetime,
    actor: User | None,
    confirmed_by: User | None = None,
    confirmed_at: datetime | None = None,
) -> StatusChange:
    """Write the change and move the case; the caller holds the detainee's row lock and checked it."""
    last_sequence = detainee.status_changes.aggregate(last=Max("sequence"))["last"] or 0
    # Family first: a death (or the return of remains), and whatever follows it until the family
    # is told, is withheld from partners, who keep the picture they had before it.
    withheld = detainee.withholding or fields["to_status"] in WITHHELD_UNTIL_FAMILY_INFORMED
    change = StatusChange(
        detainee=detainee,
        sequence=last_sequence + 1,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        recorded_by_token=token,
        confirmed_by=confirmed_by,
        confirmed_at=confirmed_at,
        withheld=withheld,
        **fields,
    )
    change.full_clean(
        exclude=["detainee", "recorded_by", "recorded_by_token", "channel", "claim", "confirmed_by"],
        validate_unique=False,
    )
    change.save(force_insert=True)

    if withheld and not detainee.withholding:
        detainee.withholding = True
        detainee.disclosed_status = detainee.status
        detainee.disclosed_status_since = detainee.status_since
        detainee.disclosed_version = detainee.version
        detainee.disclosed_updated_at = detainee.updated_at
        detainee.disclosed_through = last_sequence
    # Saved (not .update()d) so the field-level history records it, with its actor. The row lock
    # taken above makes the read-modify-write of `version` safe.
    detainee.status = change.to_status
    detainee.status_since = change.occurred_at
    detainee.version += 1
    detainee._history_user = actor
    detainee.save(
        update_fields=[
            "status",
            "status_since",
            "version",
            "updated_at",
            "withholding",
            "disclosed_status",
            "disclosed_status_since",
            "disclosed_version",
            "disclosed_updated_at",
            "disclosed_through",
        ]
    )
    event_emit(
        type=EventType.DETAINEE_STATUS_CHANGED,
        detainee=detainee,
        channel=change.channel,
        actor=actor,
        audience=EventAudience.INTERNAL if withheld else EventAudience.EVERYONE,
        data={
            "detainee": detainee_summary(detainee, internal=withheld),
            "status_change": status_change_payload(change),
        },
    )
    return change


def _locked_proposal(detainee_id: UUID, proposal_id: UUID) -> tuple[Detainee, PendingStatusChange]:
    # The case first, as every writer of it does: two officers confirming at once queue up here,
    # and the second finds the proposal decided.
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    proposal = PendingStatusChange.objects.select_for_update().filter(pk=proposal_id, detainee=detainee).first()
    if proposal is None:
        raise PendingStatusChange.DoesNotExist(f"No pending status change {proposal_id} on this case.")
    if proposal.state != ProposalState.AWAITING_CONFIRMATION:
        raise ProposalDecided(
            f"This proposal was {proposal.state} already, at {proposal.decided_at.isoformat()}.",
            state=proposal.state,
        )
    return detainee, proposal


def _check_second_officer(proposal: PendingStatusChange, actor: User | None, what: str) -> None:
    if actor is None or not actor.has_perm("cases.decide_pendingstatuschange"):
        raise PermissionDenied(f"Only an officer or an admin may {what} a proposed status change.")
    if proposal.proposed_by_id == actor.pk:
        raise PermissionDenied(f"You proposed this change yourself: a second officer must {what} it (four eyes).")


@transaction.atomic
def status_change_confirm(*, detainee_id: UUID, proposal_id: UUID, actor: User | None) -> StatusChange:
    """A second officer confirms a proposed change: it joins the history and becomes the status.

    A proposal whose case moved on meanwhile (its status is no longer the proposal's from-status)
    is stale: it cannot be confirmed, and must be proposed again.
    """
    detainee, proposal = _locked_proposal(detainee_id, proposal_id)
    _check_second_officer(proposal, actor, "confirm")
    if detainee.status != proposal.from_status:
        raise ProposalStale(
            f"The case changed since this was proposed: its status is '{detainee.status}' now, not "
            f"'{proposal.from_status}'. Reject this proposal and propose the change again if it still holds.",
            current_status=detainee.status,
        )
    now = timezone.now()
    try:
        _check_state(
            detainee,
            to_status=proposal.to_status,
            occurred_at=proposal.occurred_at,
            now=now,
            from_status=None,
            expected_version=None,
            is_correction=proposal.is_correction,
        )
    except ValidationError as exc:
        raise ProposalStale(f"The case changed since this was proposed: {' '.join(exc.messages)}") from exc
    fields = {
        name: getattr(proposal, name)
        for name in (
            "from_status",
            "to_status",
            "occurred_at",
            "source",
            "source_url",
            "confidence",
            "channel",
            "note",
            "is_correction",
            "correction_reason",
            "claim",
        )
    }
    change = _append(
        detainee,
        fields,
        recorded_by=proposal.proposed_by,
        token=proposal.proposed_by_token,
        recorded_at=proposal.proposed_at,
        actor=actor,
        confirmed_by=actor,
        confirmed_at=now,
    )
    proposal.state = ProposalState.CONFIRMED
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.status_change = change
    proposal._history_user = actor
    proposal.save(update_fields=["state", "decided_by", "decided_at", "status_change"])
    Detainee.objects.filter(pk=detainee.pk).update(awaiting_confirmation=False)
    _claim_follows(detainee, proposal, actor)
    return change


def _claim_follows(detainee: Detainee, proposal: PendingStatusChange, actor: User) -> None:
    if proposal.claim_id:
        # Imported here: claims record their status through this module.
        from cases.services.claims import claim_follow_proposal

        claim_follow_proposal(detainee=detainee, proposal=proposal, actor=actor)


@transaction.atomic
def status_change_reject(
    *, detainee_id: UUID, proposal_id: UUID, actor: User | None, reason: str
) -> PendingStatusChange:
    """A second officer rejects a proposed change, with a reason: the case stays as it is."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the proposal is rejected."})
    detainee, proposal = _locked_proposal(detainee_id, proposal_id)
    _check_second_officer(proposal, actor, "reject")
    proposal.state = ProposalState.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.rejection_reason = reason.strip()
    proposal._history_user = actor
    proposal.save(update_fields=["state", "decided_by", "decided_at", "rejection_reason"])
    Detainee.objects.filter(pk=detainee.pk).update(awaiting_confirmation=False)
    detainee.awaiting_confirmation = False
    _claim_follows(detainee, proposal, actor)
    event_emit(
        type=EventType.DETAINEE_STATUS_CHANGE_REJECTED,
        detainee=detainee,
        actor=actor,
        data={
            "detainee": detainee_summary(detainee, internal=True),
            "pending_status_change": proposal_payload(proposal),
        },
    )
    return proposal
