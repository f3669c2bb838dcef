"""REST API v1, the change feed: `GET /api/v1/changes/?after=<cursor>&limit=<n>`.

DESIGN.md "Change feed": a client that passes back `next_cursor` sees every event it may see exactly
once, none skipped; a partner sees only events about its scope. The feed returns only events whose
transaction has finished, so these tests commit for real (transaction=True).
"""

import json
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

import pytest
from django.db import connections, transaction
from django.test import Client

from cases.choices import Status
from cases.services.channels import channel_create
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer

pytestmark = pytest.mark.django_db(transaction=True)

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)
FEED = "/api/v1/changes/"
EVENT_TYPES = {"detainee.created", "detainee.updated", "detainee.status_changed", "channel.updated"}


# --- helpers ---------------------------------------------------------------------------------------


def write(client: Client, method: str, path: str, token: str, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **bearer(token))


def names_field(body: dict, field: str) -> bool:
    return any(e.get("field") == field for e in body.get("errors", [])) or field in body.get("detail", "")


def page(client: Client, token: str, after: str | None = None, limit: int | None = None) -> dict:
    params = {}
    if after is not None:
        params["after"] = after
    if limit is not None:
        params["limit"] = str(limit)
    response = client.get(FEED, params, **bearer(token))
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"results", "next_cursor", "has_more"}
    assert isinstance(body["next_cursor"], str) and body["next_cursor"]
    assert isinstance(body["has_more"], bool)
    if limit is not None:
        assert len(body["results"]) <= limit
    return body


def drain(client: Client, token: str, after: str | None = None, limit: int = 3) -> tuple[list[dict], str, int]:
    """Follow next_cursor until has_more is false: (events, last cursor, pages read)."""
    events, pages = [], 0
    while True:
        body = page(client, token, after, limit)
        pages += 1
        events += body["results"]
        after = body["next_cursor"]
        if not body["has_more"]:
            return events, after, pages
        assert body["results"], "has_more with an empty page"
        assert pages < 10_000


def drain_until(client: Client, token: str, want: int, after: str | None = None, limit: int = 3, timeout: float = 20):
    """Events are returned once every older transaction has finished: other database sessions may
    hold the horizon back for a moment, so read again until `want` events arrived (or time is up)."""
    events: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        more, after, _ = drain(client, token, after, limit)
        events += more
        if len(events) >= want or time.monotonic() > deadline:
            return events, after
        time.sleep(0.2)


def assert_event_shape(event: dict) -> None:
    assert set(event) == {"cursor", "id", "type", "occurred_at", "object", "data"}
    assert isinstance(event["cursor"], str) and event["cursor"]
    UUID(event["id"])
    assert event["type"] in EVENT_TYPES
    assert datetime.fromisoformat(event["occurred_at"]).tzinfo is not None
    assert set(event["object"]) == {"type", "id"}
    assert event["object"]["type"] in {"detainee", "channel"}
    UUID(event["object"]["id"])
    assert isinstance(event["data"], dict)


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def officer_token(officer):
    return token_issue(user=officer)[1]


@pytest.fixture
def analyst_token(analyst):
    return token_issue(user=analyst)[1]


# --- shape -----------------------------------------------------------------------------------------


def test_feed_shape_and_event_objects(client, officer, officer_token):
    created = write(
        client, "post", "/api/v1/detainees/", officer_token, {"full_name": "Liora Gefen", "citizenships": ["IL"]}
    )
    assert created.status_code == 201
    detainee_id = created.json()["id"]
    body = {"to_status": "held", "source": "Video"}
    assert (
        write(client, "post", f"/api/v1/detainees/{detainee_id}/status-changes/", officer_token, body).status_code
        == 201
    )
    assert (
        write(client, "patch", f"/api/v1/detainees/{detainee_id}/", officer_token, {"sex": "female"}).status_code == 200
    )
    channel = channel_create(actor=None, name="Doha talks", mediator="Qatar", counterpart="Hamas")

    events, _ = drain_until(client, officer_token, want=4, limit=100)
    assert len(events) == 4
    for event in events:
        assert_event_shape(event)
    assert [e["type"] for e in events] == [
        "detainee.created",
        "detainee.status_changed",
        "detainee.updated",
        "channel.updated",
    ]
    assert [e["object"] for e in events[:3]] == [{"type": "detainee", "id": detainee_id}] * 3
    assert events[3]["object"] == {"type": "channel", "id": str(channel.pk)}
    assert len({e["id"] for e in events}) == 4
    assert len({e["cursor"] for e in events}) == 4


def test_an_empty_feed(client, officer_token):
    body = page(client, officer_token)
    assert body["results"] == [] and body["has_more"] is False
    again = page(client, officer_token, after=body["next_cursor"])
    assert again["results"] == [] and again["has_more"] is False


# --- exactly once ----------------------------------------------------------------------------------


def test_following_next_cursor_yields_every_event_exactly_once(client, officer, officer_token):
    people = [
        detainee_create(full_name=f"Person {i}", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED)
        for i in range(7)
    ]
    for person in people[:4]:
        status_change_record(detainee_id=person.pk, to_status=Status.HELD, source="Report", actor=officer)
    total = 11

    events, cursor = drain_until(client, officer_token, want=total, limit=2)
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)) == total
    created = [e["object"]["id"] for e in events if e["type"] == "detainee.created"]
    assert sorted(created) == sorted(str(p.pk) for p in people)

    # Read again in one page: the same events in the same order.
    whole, _ = drain_until(client, officer_token, want=total, limit=1000)
    assert [e["id"] for e in whole] == ids

    # At the end: nothing more, until something new happens, which appears exactly once.
    assert page(client, officer_token, after=cursor)["results"] == []
    late = detainee_create(full_name="Late Person", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED)
    newer, cursor = drain_until(client, officer_token, want=1, after=cursor, limit=2)
    assert [(e["type"], e["object"]["id"]) for e in newer] == [("detainee.created", str(late.pk))]
    assert page(client, officer_token, after=cursor)["results"] == []


def test_each_page_resumes_after_the_last_event_of_the_previous(client, officer, officer_token):
    for i in range(5):
        detainee_create(full_name=f"Person {i}", actor=officer, abducted_at=ABDUCTED)
    all_events, _ = drain_until(client, officer_token, want=5, limit=1000)
    first = page(client, officer_token, limit=2)
    assert first["has_more"] is True
    assert [e["id"] for e in first["results"]] == [e["id"] for e in all_events[:2]]
    second = page(client, officer_token, after=first["next_cursor"], limit=2)
    assert [e["id"] for e in second["results"]] == [e["id"] for e in all_events[2:4]]
    # An event's own cursor is a position too: reading after it starts with the next event.
    after_first = page(client, officer_token, after=all_events[0]["cursor"], limit=2)
    assert [e["id"] for e in after_first["results"]] == [e["id"] for e in all_events[1:3]]


def test_the_feed_is_the_same_for_every_page_size(client, officer, officer_token):
    for i in range(9):
        detainee_create(full_name=f"Person {i}", actor=officer, abducted_at=ABDUCTED)
    reference, _ = drain_until(client, officer_token, want=9, limit=1000)
    for limit in (1, 4, 9, 10):
        events, _, pages = drain(client, officer_token, limit=limit)
        assert [e["id"] for e in events] == [e["id"] for e in reference], limit
        assert pages >= len(reference) // limit


def test_an_event_that_commits_late_with_a_lower_transaction_id_is_not_skipped(client, officer, officer_token):
    """Writer A takes its transaction id first but commits last; a reader in between must still get A's
    event later, exactly once."""
    started, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    early_ids: list[str] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                early_ids.append(str(detainee_create(full_name="Slow Writer", actor=None, abducted_at=ABDUCTED).pk))
                started.set()
                release.wait(20)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
            started.set()
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert started.wait(20) and not errors
        fast = detainee_create(full_name="Fast Writer", actor=officer, abducted_at=ABDUCTED)
        seen, cursor, _ = drain(client, officer_token, limit=2)
        assert early_ids[0] not in {e["object"]["id"] for e in seen}
    finally:
        release.set()
        thread.join(30)
    assert done.is_set() and not errors, errors
    more, _ = drain_until(client, officer_token, want=2 - len(seen), after=cursor, limit=2)
    events = seen + more
    subjects = [e["object"]["id"] for e in events]
    assert sorted(subjects) == sorted([early_ids[0], str(fast.pk)])
    assert len({e["id"] for e in events}) == 2


# --- input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "1001", "x", "-1", "1.5", "", "²"])
def test_a_limit_out_of_range_is_a_400_naming_limit(client, officer_token, limit):
    body = assert_problem(client.get(FEED, {"limit": limit}, **bearer(officer_token)), 400)
    assert names_field(body, "limit"), body


@pytest.mark.parametrize("limit", ["1", "1000"])
def test_limit_bounds_are_accepted(client, officer_token, limit):
    page(client, officer_token, limit=int(limit))


@pytest.mark.parametrize("after", ["garbage", "12", "1.x", "a.b", "1.2.3", "-", "%%%", "1.²", "².1"])
def test_a_malformed_cursor_is_a_400_naming_after(client, officer_token, after):
    body = assert_problem(client.get(FEED, {"after": after}, **bearer(officer_token)), 400)
    assert names_field(body, "after"), body


@pytest.mark.parametrize("param", ["cursor", "since", "page_size", "citizenship"])
def test_an_unknown_feed_parameter_is_a_400(client, officer_token, param):
    body = assert_problem(client.get(FEED, {param: "1"}, **bearer(officer_token)), 400)
    assert names_field(body, param), body


def test_the_feed_needs_credentials(client):
    assert_problem(client.get(FEED), 401)


# --- partner scope ---------------------------------------------------------------------------------


def test_a_partner_sees_only_events_about_its_scope(client, officer, officer_token):
    russian = detainee_create(full_name="Yelena Tikhonova", actor=officer, citizenships=["RU"], abducted_at=ABDUCTED)
    dual = detainee_create(
        full_name="Aleksandr Lisovsky", actor=officer, citizenships=["RU", "IL"], abducted_at=ABDUCTED
    )
    israeli = detainee_create(
        full_name="Michal Harel", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED, notes="Secret note"
    )
    status_change_record(detainee_id=israeli.pk, to_status=Status.HELD, source="Video", actor=officer)
    status_change_record(detainee_id=russian.pk, to_status=Status.HELD, source="Video", actor=officer)
    channel_create(
        actor=None, name="Cairo track", mediator="Egypt", counterpart="Hamas", members=[(israeli.pk, "requested")]
    )
    moscow = channel_create(
        actor=None, name="Moscow consultations", mediator="MFA", counterpart="Hamas", members=[(dual.pk, "requested")]
    )
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token = token_issue(partner=partner)[1]

    everything, _ = drain_until(client, officer_token, want=7, limit=100)
    assert len(everything) == 7
    events, _ = drain_until(client, token, want=4, limit=2)
    subjects = {(e["object"]["type"], e["object"]["id"]) for e in events}
    assert ("detainee", str(israeli.pk)) not in subjects
    detainee_events = [e for e in events if e["object"]["type"] == "detainee"]
    assert sorted((e["type"], e["object"]["id"]) for e in detainee_events) == sorted(
        [
            ("detainee.created", str(russian.pk)),
            ("detainee.created", str(dual.pk)),
            ("detainee.status_changed", str(russian.pk)),
        ]
    )
    channel_events = [e["object"]["id"] for e in events if e["object"]["type"] == "channel"]
    assert channel_events == [str(moscow.pk)]
    text = json.dumps(events, ensure_ascii=False)
    assert "Michal Harel" not in text and str(israeli.pk) not in text and "Cairo" not in text


def test_feed_events_never_carry_internal_notes(client, officer, analyst_token):
    detainee_create(
        full_name="Noa Cohen", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED, notes="Do not share"
    )
    events, _ = drain_until(client, analyst_token, want=1, limit=10)
    assert events and "Do not share" not in json.dumps(events)


def test_an_edit_of_the_internal_notes_alone_is_not_in_the_feed_of_those_who_may_not_read_notes(
    client, officer, officer_token, analyst_token
):
    from cases.services.detainees import detainee_update

    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    partner_token = token_issue(partner=partner)[1]
    detainee = detainee_create(full_name="Irina Voronina", actor=officer, citizenships=["RU"])
    detainee_update(detainee_id=detainee.pk, actor=officer, notes="Family reached through the consulate.")
    detainee_update(detainee_id=detainee.pk, actor=officer, notes="Seen in a video.", abduction_place="Nir Oz")

    drain_until(client, officer_token, want=3)  # all three are final, for every reader

    def updates(token):
        events, _, _ = drain(client, token, limit=2)
        return [e["data"]["changed"] for e in events if e["type"] == "detainee.updated"]

    assert updates(officer_token) == [["notes"], ["abduction_place", "notes"]]
    assert updates(analyst_token) == [["abduction_place"]]
    assert updates(partner_token) == [["abduction_place"]]


def test_after_now_starts_at_the_head_of_the_feed(client, officer, officer_token):
    """A partner lists what it needs, then tails the feed from now without replaying history."""
    for i in range(3):
        detainee_create(full_name=f"Person {i}", actor=officer, abducted_at=ABDUCTED)
    head = page(client, officer_token, after="now")
    assert head["results"] == [] and head["has_more"] is False
    late = detainee_create(full_name="Late Person", actor=officer, abducted_at=ABDUCTED)
    newer, _ = drain_until(client, officer_token, want=1, after=head["next_cursor"], limit=10)
    assert [(e["type"], e["object"]["id"]) for e in newer] == [("detainee.created", str(late.pk))]
