"""Many officers recording changes on one case at once, on PostgreSQL: the history always chains."""

import random
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from cases.choices import Status, allowed_next_statuses
from cases.models import Detainee
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from core.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8
TRIES = 12


def test_concurrent_writers_never_break_the_chain():
    detainee = detainee_create(full_name="Orit Kedem", actor=None, abducted_at=datetime(2023, 10, 7, 4, tzinfo=UTC))
    start = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        rng = random.Random(n)
        try:
            start.wait()
            for _ in range(TRIES):
                # Each writer acts on what it last saw, as an officer with a stale page would;
                # half of them also say so with from_status.
                seen = Detainee.objects.get(pk=detainee.pk).status
                target = rng.choice(
                    [s for s in allowed_next_statuses(seen) if s in (Status.HELD, Status.RELEASE_PENDING)]
                )
                try:
                    status_change_record(
                        detainee_id=detainee.pk,
                        to_status=target,
                        source=f"writer {n}",
                        actor=None,
                        from_status=seen if n % 2 else None,
                    )
                    outcomes.append("ok")
                except Conflict as exc:
                    outcomes.append(exc.code)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert "ok" in outcomes and len(outcomes) == WRITERS * TRIES
    assert {"invalid_transition", "stale_status"} & set(outcomes), "the writers never actually raced"

    detainee.refresh_from_db()
    changes = list(detainee.status_changes.order_by("sequence"))
    assert len(changes) == outcomes.count("ok")
    assert [c.sequence for c in changes] == list(range(1, len(changes) + 1))
    previous = Status.MISSING
    for change in changes:
        assert change.from_status == previous
        assert change.to_status in allowed_next_statuses(change.from_status)
        previous = change.to_status
    assert detainee.status == changes[-1].to_status
    assert detainee.status_since == changes[-1].occurred_at
    assert detainee.version == 1 + len(changes)
    assert [c.occurred_at for c in changes] == sorted(c.occurred_at for c in changes)
