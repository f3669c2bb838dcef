"""Recording a change in a detainee's status: the one place the lifecycle rules live.

The browser, the API, the admin and imports all call status_change_record.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.choices import TRANSITIONS, Confidence, Status, allowed_next_statuses
from cases.models import Detainee, NegotiationChannel, StatusChange
from cases.representations import detainee_summary, status_change_payload
from core.errors import InvalidTransition, StaleStatus, StaleVersion
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
) -> StatusChange:
    """Append one change to the detainee's history and move its current status, in one transaction.

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

    channel = None
    if channel_id is not None:
        channel = NegotiationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            raise ValidationError({"channel": "No such channel."})

    last_sequence = detainee.status_changes.aggregate(last=Max("sequence"))["last"] or 0
    change = StatusChange(
        detainee=detainee,
        sequence=last_sequence + 1,
        from_status=current,
        to_status=to_status,
        occurred_at=occurred_at,
        recorded_at=now,
        recorded_by=actor,
        recorded_by_token=token,
        source=source.strip(),
        source_url=source_url,
        confidence=confidence,
        channel=channel,
        note=note,
        is_correction=is_correction,
        correction_reason=correction_reason.strip(),
    )
    change.full_clean(exclude=["detainee", "recorded_by", "recorded_by_token", "channel"], validate_unique=False)
    change.save(force_insert=True)

    # Saved (not .update()d) so the field-level history records it, with its actor. The row lock
    # taken above makes the read-modify-write of `version` safe.
    detainee.status = to_status
    detainee.status_since = occurred_at
    detainee.version += 1
    detainee._history_user = actor
    detainee.save(update_fields=["status", "status_since", "version", "updated_at"])
    event_emit(
        type=EventType.DETAINEE_STATUS_CHANGED,
        detainee=detainee,
        channel=channel,
        actor=actor,
        data={
            "detainee": detainee_summary(detainee),
            "status_change": status_change_payload(change),
        },
    )
    return change
