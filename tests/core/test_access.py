"""The access matrix: reader kind x record x channel. Every channel a reader can use must agree on
who may learn what.

Readers: the admin (personal token, and a browser session), the officer, the analyst, a partner
token scoped to RU and one scoped to TH. Records: an RU-IL dual citizen and an IL-only detainee,
both with internal notes, one negotiation channel listing both, and a status change on each.

- admin, officer: everything, with the internal notes;
- analyst: everything, never a note;
- RU partner: only the RU-IL detainee (and the channel, with only that member), never a note, and
  not a name, case reference or id of the IL-only detainee anywhere;
- TH partner: nothing at all.

Written black-box: set-up only through HTTP and the management commands, checks only through what
a reader receives (API bodies, CSV, HTML pages, the change feed, webhook requests); the outbox
tables are read only to know when nothing more can arrive.
"""

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from standardwebhooks.webhooks import Webhook

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, Event
from harness.receivers import WebhookReceiver
from tests.factories import PASSWORD
from tests.stack import wait_until

DETAINEES = "/api/v1/detainees/"
CHANNELS = "/api/v1/channels/"
CHANGES = "/api/v1/changes/"
STATS = "/api/v1/stats/"
EXPORT_CSV = "/detainees/export.csv"
PAGES = "/detainees/"

USERS = ("admin", "officer", "analyst")
PARTNERS = {"partner_ru": ("Northwind Liaison Desk", "RU"), "partner_th": ("Southgate Liaison Desk", "TH")}
READERS = (*USERS, *PARTNERS)
# The API is also read by the admin's browser session (session authentication), not only by tokens.
API_READERS = (*READERS, "admin_session")

# Fictional people. The note texts are unique markers searched for in every body.
RECORDS = {
    "dual": {"full_name": "Pavel Orlov", "citizenships": ["RU", "IL"], "notes": "INTERNAL-NOTE-7731"},
    "il_only": {"full_name": "Liora Ben-Shimon", "citizenships": ["IL"], "notes": "INTERNAL-NOTE-4410"},
}
ROLES_IN_CHANNEL = {"dual": "requested", "il_only": "discussed"}
NOTES = tuple(record["notes"] for record in RECORDS.values())

INTERNAL = {"admin", "officer", "admin_session"}  # may read the internal notes
VISIBLE = {
    "admin": {"dual", "il_only"},
    "admin_session": {"dual", "il_only"},
    "officer": {"dual", "il_only"},
    "analyst": {"dual", "il_only"},
    "partner_ru": {"dual"},
    "partner_th": set(),
}


# --- helpers ---------------------------------------------------------------------------------------


def command(*args: str) -> str:
    """Run a management command; return the last line of its output (the token or the secret)."""
    out = io.StringIO()
    call_command(*args, stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    assert lines, f"{args[0]} printed nothing"
    return lines[-1]


def bearer_client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def session_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD), f"{username} cannot sign in"
    return client


def post_json(client: Client, path: str, body: dict) -> dict:
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, (path, response.status_code, response.content)
    return response.json()


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def matches(key: str, query: dict) -> bool:
    """Whether a record passes the `citizenship=` filter of a query (any of the codes)."""
    wanted = query.get("citizenship")
    return wanted is None or bool(set(wanted.split(",")) & set(RECORDS[key]["citizenships"]))


@dataclass
class World:
    tokens: dict[str, str]
    api: dict[str, Client]  # how each API reader calls the API
    browser: dict[str, Client]  # how each reader opens pages: users signed in, partners with their token
    records: dict[str, dict]  # the detainees as the officer got them back on creation
    channel: dict
    changes: dict[str, dict]  # the status change recorded on each detainee, as the officer got it back

    def id(self, key: str) -> str:
        return self.records[key]["id"]

    def key_of(self, detainee_id: str) -> str:
        return next(key for key, record in self.records.items() if record["id"] == detainee_id)

    def forbidden(self, reader: str, *, ids: bool = True) -> list[str]:
        """Strings that must never reach this reader: notes unless internal, and everything that
        identifies a record out of its scope (ids only where the reader did not name them itself)."""
        out = [] if reader in INTERNAL else list(NOTES)
        for key, record in self.records.items():
            if key in VISIBLE[reader]:
                continue
            out += [record["full_name"], record["case_ref"]]
            if ids:
                out += [record["id"], self.changes[key]["id"]]
        if ids and not VISIBLE[reader]:
            out += [self.channel["id"], self.channel["name"]]
        return out

    def assert_no_leak(self, reader: str, response, *, ids: bool = True) -> str:
        text = text_of(response)
        leaked = [s for s in self.forbidden(reader, ids=ids) if s in text]
        path = response.request["PATH_INFO"]
        assert not leaked, f"{reader} learns {leaked} from {path} ({response.status_code}): {text[:2000]}"
        return text


def issue_tokens() -> dict[str, str]:
    tokens = {user: command("issue_token", "--user", user) for user in USERS}
    for reader, (name, code) in PARTNERS.items():
        tokens[reader] = command("issue_token", "--partner", name, "--nationalities", code)
    return tokens


def build_world(tokens: dict[str, str]) -> World:
    """The records, created by the officer through the API, and a client for each reader."""
    officer = bearer_client(tokens["officer"])
    records = {key: post_json(officer, DETAINEES, body) for key, body in RECORDS.items()}
    for key, record in records.items():  # what the officer got back is what everyone is checked against
        assert record["notes"] == RECORDS[key]["notes"] and record["full_name"] == RECORDS[key]["full_name"]
    channel = post_json(
        officer,
        CHANNELS,
        {
            "name": "Lakeside back-channel",
            "mediator": "Office of the Neutral Envoy",
            "counterpart": "Counterpart Committee",
            "place": "Lakeside",
            "status": "active",
            "opened_on": "2023-11-01",
            "members": [{"detainee": records[key]["id"], "role": role} for key, role in ROLES_IN_CHANNEL.items()],
        },
    )
    changes = {
        key: post_json(
            officer, f"{DETAINEES}{record['id']}/status-changes/", {"to_status": "held", "source": "Statement"}
        )
        for key, record in records.items()
    }
    # Re-read as the officer: the case references, the status and the channel links after all writes.
    records = {key: officer.get(f"{DETAINEES}{record['id']}/").json() for key, record in records.items()}
    api = {reader: bearer_client(tokens[reader]) for reader in READERS}
    api["admin_session"] = session_client("admin")
    browser = {user: session_client(user) for user in USERS} | {p: bearer_client(tokens[p]) for p in PARTNERS}
    return World(tokens=tokens, api=api, browser=browser, records=records, channel=channel, changes=changes)


def list_all(world: World, reader: str, path: str, params: dict | None = None) -> list[dict]:
    """Every item of a paginated list, following `next`; each page checked for leaks."""
    client, results = world.api[reader], []
    response = client.get(path, {"page_size": "1", **(params or {})})
    for _ in range(100):
        assert response.status_code == 200, (reader, path, response.content)
        world.assert_no_leak(reader, response)
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results
        response = client.get(body["next"])
    raise AssertionError(f"{path} did not end after 100 pages")


def read_feed(world: World, reader: str, limit: int = 2) -> list[dict]:
    """The change feed from the start, following next_cursor until has_more is false."""
    client, events, after = world.api[reader], [], None
    for _ in range(1000):
        params = {"limit": str(limit)} | ({"after": after} if after else {})
        response = client.get(CHANGES, params)
        assert response.status_code == 200, (reader, response.content)
        world.assert_no_leak(reader, response)
        body = response.json()
        assert set(body) == {"results", "next_cursor", "has_more"}
        events += body["results"]
        after = body["next_cursor"]
        if not body["has_more"]:
            return events
        assert body["results"], "has_more with an empty page"
    raise AssertionError("the feed did not end after 1000 pages")


def event_key(event: dict) -> tuple[str, str, str]:
    return (event["type"], event["object"]["type"], event["object"]["id"])


def expected_events(world: World, reader: str) -> Counter:
    """What a reader's feed (and a partner's webhook) carries: each record it sees created and moved to
    held, and the channel's creation if the channel lists one of them."""
    seen = VISIBLE[reader]
    events = Counter()
    for key in seen:
        events[("detainee.created", "detainee", world.id(key))] += 1
        events[("detainee.status_changed", "detainee", world.id(key))] += 1
    if seen:
        events[("channel.updated", "channel", world.channel["id"])] += 1
    return events


def feed_once_complete(world: World, reader: str) -> list[dict]:
    """The reader's whole feed, read once every event of the world has arrived in the admin's (the feed
    returns an event only when every older transaction has finished, which other sessions may hold back
    for a moment). Waits up to 90 s."""

    def complete():
        return Counter(map(event_key, read_feed(world, "admin"))) == expected_events(world, "admin")

    wait_until(complete, timeout=90, what="every event of the world in the admin's feed")
    return read_feed(world, reader)


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def tokens(admin_user, officer, analyst) -> dict[str, str]:
    return issue_tokens()


@pytest.fixture
def world(tokens) -> World:
    return build_world(tokens)


@pytest.mark.django_db
def test_the_world_is_as_described(world):
    """Guard: the officer (who may see everything) got back what the matrix assumes."""
    for key, record in world.records.items():
        assert sorted(record["citizenships"]) == sorted(RECORDS[key]["citizenships"])
        assert record["status"] == "held"
        assert [link["id"] for link in record["channels"]] == [world.channel["id"]]
    members = {m["id"]: m["role"] for m in world.channel["detainees"]}
    assert members == {world.id(key): role for key, role in ROLES_IN_CHANNEL.items()}


# --- API: one detainee ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("reader", API_READERS)
def test_api_detainee_detail(world, reader, record):
    response = world.api[reader].get(f"{DETAINEES}{world.id(record)}/")
    if record not in VISIBLE[reader]:
        assert response.status_code == 404, (reader, record, response.content)
        world.assert_no_leak(reader, response, ids=False)
        return
    assert response.status_code == 200, response.content
    world.assert_no_leak(reader, response)
    body = response.json()
    assert body["id"] == world.id(record)
    assert body["full_name"] == RECORDS[record]["full_name"]
    assert sorted(body["citizenships"]) == sorted(RECORDS[record]["citizenships"])
    assert body["status"] == "held"
    assert [link["id"] for link in body["channels"]] == [world.channel["id"]]
    if reader in INTERNAL:
        assert body["notes"] == RECORDS[record]["notes"]
    else:
        assert "notes" not in body


# --- API: the list --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"citizenship": "IL"}, {"citizenship": "RU"}], ids=["all", "IL", "RU"])
@pytest.mark.parametrize("reader", API_READERS)
def test_api_detainee_list(world, reader, query):
    results = list_all(world, reader, DETAINEES, query)
    ids = Counter(item["id"] for item in results)
    expected = {world.id(key) for key in VISIBLE[reader] if matches(key, query)}
    assert ids == Counter(expected), (reader, query, [item["full_name"] for item in results])
    for item in results:
        key = world.key_of(item["id"])
        if reader in INTERNAL:
            assert item["notes"] == RECORDS[key]["notes"]
        else:
            assert "notes" not in item


# --- API: the status history ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("reader", API_READERS)
def test_api_status_history(world, reader, record):
    path = f"{DETAINEES}{world.id(record)}/status-changes/"
    if record not in VISIBLE[reader]:
        response = world.api[reader].get(path)
        assert response.status_code == 404, (reader, record, response.content)
        world.assert_no_leak(reader, response, ids=False)
        return
    history = list_all(world, reader, path)
    change = world.changes[record]
    assert [entry["id"] for entry in history] == [change["id"]]
    (entry,) = history
    assert entry["detainee"] == world.id(record)
    assert (entry["from_status"], entry["to_status"], entry["source"]) == ("missing", "held", "Statement")
    if reader in PARTNERS:
        assert entry["recorded_by"] is None
    else:
        # Recorded with the officer's token: named by the token's public prefix, to every user alike.
        assert entry["recorded_by"] == change["recorded_by"]
        assert entry["recorded_by"].startswith("token:")
        assert entry["recorded_by"].removeprefix("token:") in world.tokens["officer"]


# --- API: the negotiation channel -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reader", API_READERS)
def test_api_channel(world, reader):
    expected_members = {world.id(key): ROLES_IN_CHANNEL[key] for key in VISIBLE[reader]}
    detail = world.api[reader].get(f"{CHANNELS}{world.channel['id']}/")
    listed = list_all(world, reader, CHANNELS)
    if not VISIBLE[reader]:
        assert detail.status_code == 404, (reader, detail.content)
        world.assert_no_leak(reader, detail, ids=False)
        assert listed == []
        return
    assert detail.status_code == 200, detail.content
    world.assert_no_leak(reader, detail)
    body = detail.json()
    assert body["id"] == world.channel["id"] and body["name"] == world.channel["name"]
    assert {m["id"]: m["role"] for m in body["detainees"]} == expected_members
    assert [c["id"] for c in listed] == [world.channel["id"]]
    assert {m["id"]: m["role"] for m in listed[0]["detainees"]} == expected_members


# --- API: stats -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reader", API_READERS)
def test_api_stats_by_citizenship(world, reader):
    response = world.api[reader].get(STATS, {"by": "citizenship"})
    assert response.status_code == 200, response.content
    world.assert_no_leak(reader, response)
    body = response.json()
    assert body["by"] == ["citizenship"]
    counts = {row["citizenship"]: row["count"] for row in body["rows"]}
    assert len(counts) == len(body["rows"]), body["rows"]
    # A dual citizen counts under each citizenship; a reader counts only whom it may see.
    expected = Counter(code for key in VISIBLE[reader] for code in RECORDS[key]["citizenships"])
    assert counts == dict(expected), (reader, body["rows"])


# --- API: the change feed -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reader", API_READERS)
def test_change_feed(world, reader):
    events = feed_once_complete(world, reader)
    assert Counter(map(event_key, events)) == expected_events(world, reader), (reader, events)
    for event in events:
        if event["object"]["type"] == "detainee":
            key = world.key_of(event["object"]["id"])
            assert event["data"]["detainee"]["full_name"] == RECORDS[key]["full_name"]
            if event["type"] == "detainee.status_changed":
                assert event["data"]["status_change"]["id"] == world.changes[key]["id"]
        else:
            assert event["data"]["channel"]["name"] == world.channel["name"]


# --- the browser: CSV export and pages ------------------------------------------------------------


def assert_sent_to_login(response):
    """A partner token is no way into the browser pages: the page answers as to anyone not signed in."""
    assert response.status_code == 302, (response.status_code, text_of(response)[:500])
    assert response["Location"].startswith(django_settings.LOGIN_URL), response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS)
def test_csv_export(world, reader):
    response = world.browser[reader].get(EXPORT_CSV)
    text = world.assert_no_leak(reader, response)
    if reader in PARTNERS:
        assert_sent_to_login(response)
        return
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert Counter(row["id"] for row in rows) == Counter(world.id(key) for key in VISIBLE[reader])
    for row in rows:
        key = world.key_of(row["id"])
        assert row["full_name"] == RECORDS[key]["full_name"]
        assert row["case_ref"] == world.records[key]["case_ref"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["list", *RECORDS])
@pytest.mark.parametrize("reader", READERS)
def test_browser_pages(world, reader, page):
    path = PAGES if page == "list" else f"{PAGES}{world.id(page)}/"
    response = world.browser[reader].get(path)
    html = world.assert_no_leak(reader, response, ids=page == "list")
    if reader in PARTNERS:
        assert_sent_to_login(response)
        return
    assert response.status_code == 200, (reader, path)
    shown = VISIBLE[reader] if page == "list" else {page}
    for key in shown:
        assert RECORDS[key]["full_name"] in html and world.records[key]["case_ref"] in html, (reader, page, key)
    if page != "list":
        assert (RECORDS[page]["notes"] in html) == (reader in INTERNAL), (reader, page)


# --- webhooks -------------------------------------------------------------------------------------


def received_events(receiver: WebhookReceiver) -> list[dict]:
    with receiver.lock:
        return [json.loads(request.body) for request in receiver.received]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_webhooks_carry_exactly_the_partner_feed(settings, alert_stack, admin_user, officer, analyst):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with WebhookReceiver() as ru_hook, WebhookReceiver() as th_hook:
        tokens = issue_tokens()
        hooks = {"partner_ru": ru_hook, "partner_th": th_hook}
        secrets = {
            reader: command("add_webhook", "--partner", PARTNERS[reader][0], "--url", hook.url)
            for reader, hook in hooks.items()
        }
        assert all(secret.startswith("whsec_") for secret in secrets.values()), secrets
        worker = alert_stack.worker()
        world = build_world(tokens)  # only now: every event is born with the endpoints and the worker there

        owed = expected_events(world, "partner_ru")
        assert {key[2] for key in owed} == {world.id("dual"), world.channel["id"]}
        wait_until(
            lambda: Counter(map(event_key, received_events(ru_hook))) >= owed or not worker.alive(),
            timeout=90,
            what="the RU partner's webhooks about the RU-IL detainee",
        )
        assert worker.alive(), worker.log()[-3000:]
        ru_feed = feed_once_complete(world, "partner_ru")
        # Every event dispatched and every delivery settled: nothing more can arrive.
        wait_until(
            lambda: (
                not Event.objects.filter(dispatched_at__isnull=True).exists()
                and not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
            ),
            timeout=90,
            what="every event dispatched and every delivery settled",
        )
        ru_requests, th_requests = list(ru_hook.received), list(th_hook.received)

    assert th_requests == [], [r.body for r in th_requests]
    bodies = [Webhook(secrets["partner_ru"]).verify(r.body, r.headers) for r in ru_requests]
    assert Counter(map(event_key, bodies)) == owed, bodies
    for request in ru_requests:
        text = request.body.decode("utf-8")
        leaked = [s for s in world.forbidden("partner_ru") if s in text]
        assert not leaked, f"a webhook to the RU partner carries {leaked}: {text}"
    # Each webhook body is the event the partner's own feed shows.
    feed_by_id = {event["id"]: event for event in ru_feed}
    assert set(feed_by_id) == {body["id"] for body in bodies}
    for body in bodies:
        event = feed_by_id[body["id"]]
        for member in ("id", "type", "object", "data"):
            assert body[member] == event[member], (member, body, event)
