"""status_change_record: the lifecycle rules, the timing rules, corrections, and what it writes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from alerts.choices import EventType
from alerts.models import Event
from cases.choices import Status
from cases.models import StatusChange
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from core.errors import InvalidTransition, StaleStatus
from core.history import record_changes

pytestmark = pytest.mark.django_db

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


@pytest.fixture
def detainee():
    return detainee_create(full_name="Michal Harel", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)


def record(detainee, to_status, actor=None, **kwargs):
    kwargs.setdefault("source", "Family liaison")
    return status_change_record(detainee_id=detainee.pk, to_status=to_status, actor=actor, **kwargs)


def test_an_allowed_change_moves_the_status_and_appends_history(detainee, officer):
    at = ABDUCTED + timedelta(days=3)
    change = record(detainee, Status.HELD, officer, occurred_at=at, confidence="confirmed", note="Seen in a video")
    detainee.refresh_from_db()
    assert (detainee.status, detainee.status_since, detainee.version) == (Status.HELD, at, 2)
    assert (change.sequence, change.from_status, change.to_status) == (1, Status.MISSING, Status.HELD)
    assert change.recorded_by == officer and change.confidence == "confirmed"
    assert change.recorded_at >= change.occurred_at

    second = record(detainee, Status.RELEASE_PENDING, officer)
    assert (second.sequence, second.from_status) == (2, Status.HELD)


def test_default_occurred_at_is_the_moment_of_recording(detainee):
    change = record(detainee, Status.HELD)
    assert change.occurred_at == change.recorded_at


def test_a_transition_outside_the_table_names_the_allowed_ones(detainee):
    with pytest.raises(InvalidTransition) as refused:
        record(detainee, Status.REMAINS_RETURNED)
    message = str(refused.value)
    assert "from 'missing' to 'remains_returned'" in message
    assert "held, release_pending, released, rescued, escaped, deceased, not_held" in message
    assert refused.value.extra["allowed"][0] == Status.HELD
    assert not StatusChange.objects.exists()


def test_a_final_status_accepts_nothing_but_a_correction(detainee, admin_user):
    record(detainee, Status.RELEASED)
    with pytest.raises(InvalidTransition, match="'released' is final"):
        record(detainee, Status.HELD)
    correction = record(
        detainee, Status.HELD, admin_user, is_correction=True, correction_reason="Release report was wrong"
    )
    assert correction.is_correction and correction.from_status == Status.RELEASED


def test_stale_from_status_is_a_conflict(detainee):
    record(detainee, Status.HELD)
    with pytest.raises(StaleStatus, match="current status is 'held', not 'missing'"):
        record(detainee, Status.RELEASED, from_status=Status.MISSING)
    assert record(detainee, Status.RELEASED, from_status=Status.HELD).to_status == Status.RELEASED


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source": "  "}, "source"),
        ({"occurred_at": datetime.now(UTC) + timedelta(minutes=5)}, "occurred_at"),
        ({"occurred_at": ABDUCTED - timedelta(days=1)}, "occurred_at"),
        ({"confidence": "rumour"}, "confidence"),
        ({"correction_reason": "not a correction"}, "correction_reason"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(detainee, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        record(detainee, Status.HELD, **kwargs)
    assert field in refused.value.message_dict
    detainee.refresh_from_db()
    assert detainee.status == Status.MISSING and detainee.version == 1
    assert (
        not StatusChange.objects.exists() and not Event.objects.filter(type=EventType.DETAINEE_STATUS_CHANGED).exists()
    )


def test_corrections_are_for_admins_with_a_reason(detainee, officer, admin_user):
    with pytest.raises(PermissionDenied):
        record(detainee, Status.HELD, officer, is_correction=True, correction_reason="typo")
    with pytest.raises(ValidationError) as refused:
        record(detainee, Status.HELD, admin_user, is_correction=True)
    assert "correction_reason" in refused.value.message_dict


def test_a_correction_may_be_dated_before_the_current_status(detainee, admin_user):
    record(detainee, Status.HELD, occurred_at=ABDUCTED + timedelta(days=10))
    earlier = ABDUCTED + timedelta(days=2)
    correction = record(
        detainee, Status.HELD, admin_user, occurred_at=earlier, is_correction=True, correction_reason="Earlier proof"
    )
    detainee.refresh_from_db()
    assert correction.from_status == Status.HELD and detainee.status_since == earlier


def test_the_change_and_its_event_are_one_transaction(detainee):
    change = record(detainee, Status.HELD)
    event = Event.objects.get(type=EventType.DETAINEE_STATUS_CHANGED)
    assert event.detainee_id == detainee.pk and event.object_id == detainee.pk
    assert event.data["status_change"]["id"] == str(change.id)
    assert event.data["detainee"]["status"] == Status.HELD
    assert "notes" not in event.data["detainee"]
    assert event.txid > 0  # PostgreSQL's transaction id, for the change feed


def test_a_rolled_back_change_leaves_no_event(detainee):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(detainee, Status.HELD)
        raise RuntimeError("the surrounding work failed")
    assert Event.objects.count() == before
    assert not StatusChange.objects.exists()
    detainee.refresh_from_db()
    assert detainee.status == Status.MISSING


def test_history_is_append_only_even_for_raw_sql(detainee):
    change = record(detainee, Status.HELD)
    for statement in (
        "UPDATE cases_statuschange SET source = 'edited' WHERE id = %s",
        "DELETE FROM cases_statuschange WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [change.pk])
    change.refresh_from_db()
    assert change.source == "Family liaison"


def test_the_field_history_records_the_status_change_and_its_actor(detainee, officer):
    record(detainee, Status.HELD, officer)
    latest = detainee.history.order_by("-history_id").first()
    assert latest.status == Status.HELD and latest.history_user == officer
    changed = {c.field for c in record_changes(latest, latest.prev_record)}
    assert {"status", "status_since", "version"} <= changed
    assert "full_name" not in changed
