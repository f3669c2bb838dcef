"""The change feed's promise under load, on PostgreSQL: many writers committing concurrently and out
of order, a poller following next_cursor at the same time, and every event seen exactly once."""

import random
import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test import Client

from alerts.models import Event
from cases.choices import Status
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from partners.services.tokens import token_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WRITERS = 6
WRITES_EACH = 15


def poll(token: str, cursor: str | None, seen: list[str]) -> tuple[str, bool]:
    client = Client()
    query = {"limit": "7"} | ({"after": cursor} if cursor else {})
    response = client.get("/api/v1/changes/", query, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    body = response.json()
    seen.extend(event["id"] for event in body["results"])
    return body["next_cursor"], body["has_more"]


def test_every_event_exactly_once_while_writers_commit_out_of_order(make_user):
    admin = make_user("admin")
    _, token = token_issue(user=admin)
    abducted = datetime(2023, 10, 7, 4, tzinfo=UTC)
    writers_done = threading.Event()
    errors: list[BaseException] = []
    seen: list[str] = []

    def writer(n: int) -> None:
        rng = random.Random(n)
        try:
            for i in range(WRITES_EACH):
                # Each write holds its transaction open a random while after writing its event, so
                # transactions that started later (with higher sequence numbers) often commit first.
                with transaction.atomic():
                    person = detainee_create(full_name=f"Writer {n} person {i}", actor=None, abducted_at=abducted)
                    status_change_record(detainee_id=person.pk, to_status=Status.HELD, source="test", actor=None)
                    time.sleep(rng.uniform(0, 0.08))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def poller() -> None:
        cursor = None
        try:
            while True:
                finished = writers_done.is_set()
                cursor, has_more = poll(token, cursor, seen)
                if finished and not has_more:
                    # One more read after the writers are done: the horizon may have moved.
                    cursor, has_more = poll(token, cursor, seen)
                    if not has_more:
                        return
                time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    reader = threading.Thread(target=poller)
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    writers_done.set()
    reader.join(timeout=120)
    assert not errors, errors

    expected = {str(i) for i in Event.objects.values_list("id", flat=True)}
    assert len(expected) == WRITERS * WRITES_EACH * 2
    assert len(seen) == len(set(seen)), "an event was delivered twice"
    assert set(seen) == expected, f"{len(expected - set(seen))} events were skipped"
