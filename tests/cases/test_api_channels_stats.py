"""REST API v1, negotiation channels (with their detainees, roles and log) and the stats endpoint.

DESIGN.md: a partner sees a channel only if it lists a detainee in its scope, and then only those
members; stats count what the caller may see, a dual citizen under each citizenship.
"""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.test import Client

from cases.choices import Status
from cases.models import ChannelEvent, NegotiationChannel
from cases.services.channels import channel_create, channel_event_record
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_names, assert_problem, bearer, parse_time

pytestmark = pytest.mark.django_db

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)
CHANNELS = "/api/v1/channels/"
STATS = "/api/v1/stats/"


# --- helpers ---------------------------------------------------------------------------------------


def write(client: Client, method: str, path: str, token: str, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **bearer(token))


def members_of(channel_json: dict) -> dict[str, str]:
    return {m["full_name"]: m["role"] for m in channel_json["detainees"]}


def stats(client: Client, token: str, **params) -> dict:
    response = client.get(STATS, params, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


def as_counter(rows: list[dict], by: list[str]) -> dict[tuple, int]:
    out = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        assert key not in out, f"row {key} appears twice"
        out[key] = row["count"]
    return out


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def world(officer):
    """Four people and three channels.

    Lisovsky RU+IL (missing), Harel IL (held), Feldstein US (released), Tikhonova RU (held), Cohen IL+US (held).
    Moscow lists Lisovsky and Tikhonova (requested) and Harel (discussed); Doha lists Feldstein
    (released_through) and Harel (requested); Cairo lists Harel only.
    """

    def person(name, codes, *statuses):
        d = detainee_create(full_name=name, actor=None, citizenships=codes, abducted_at=ABDUCTED)
        for status in statuses:
            status_change_record(detainee_id=d.pk, to_status=status, source="Report", actor=officer)
        return d

    people = {
        "lisovsky": person("Aleksandr Lisovsky", ["RU", "IL"]),
        "harel": person("Michal Harel", ["IL"], Status.HELD),
        "feldstein": person("Hannah Feldstein", ["US"], Status.RELEASED),
        "tikhonova": person("Yelena Tikhonova", ["RU"], Status.HELD),
        "cohen": person("Noa Cohen", ["IL", "US"], Status.HELD),
    }
    moscow = channel_create(
        actor=None,
        name="Moscow consultations",
        mediator="Russian MFA",
        mediator_country="RU",
        counterpart="Hamas political bureau",
        place="Moscow",
        status="active",
        opened_on=datetime(2023, 10, 26).date(),
        members=[
            (people["lisovsky"].pk, "requested"),
            (people["tikhonova"].pk, "requested"),
            (people["harel"].pk, "discussed"),
        ],
    )
    doha = channel_create(
        actor=None,
        name="Doha talks",
        mediator="State of Qatar",
        mediator_country="QA",
        counterpart="Hamas",
        members=[(people["feldstein"].pk, "released_through"), (people["harel"].pk, "requested")],
    )
    cairo = channel_create(
        actor=None,
        name="Cairo track",
        mediator="Egypt",
        counterpart="Hamas",
        members=[(people["harel"].pk, "requested")],
    )
    channel_event_record(
        channel_id=moscow.pk,
        actor=None,
        kind="list_delivered",
        occurred_at=datetime(2023, 10, 26, 15, 0, tzinfo=UTC),
        summary="List of dual citizens handed over",
        source="Russian MFA statement",
    )
    channel_event_record(
        channel_id=moscow.pk,
        actor=None,
        kind="meeting",
        occurred_at=datetime(2023, 10, 26, 11, 0, tzinfo=UTC),
        summary="Delegation received in Moscow",
        source="TASS",
    )
    channel_event_record(
        channel_id=cairo.pk,
        actor=None,
        kind="proposal",
        occurred_at=datetime(2023, 11, 2, 9, 0, tzinfo=UTC),
        summary="Egyptian proposal",
        source="Press",
    )
    return {**people, "moscow": moscow, "doha": doha, "cairo": cairo}


@pytest.fixture
def officer_token(officer):
    return token_issue(user=officer)[1]


@pytest.fixture
def analyst_token(analyst):
    return token_issue(user=analyst)[1]


@pytest.fixture
def moscow_token():
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return token_issue(partner=partner)[1]


# --- channels --------------------------------------------------------------------------------------


def test_channel_list_with_detainees_and_roles(client, world, analyst_token):
    response = client.get(CHANNELS, **bearer(analyst_token))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    by_name = {c["name"]: c for c in body["results"]}
    assert set(by_name) == {"Moscow consultations", "Doha talks", "Cairo track"}
    moscow = by_name["Moscow consultations"]
    assert moscow["id"] == str(world["moscow"].pk)
    assert moscow["mediator"] == "Russian MFA" and moscow["counterpart"] == "Hamas political bureau"
    assert moscow["status"] == "active"
    assert members_of(moscow) == {
        "Aleksandr Lisovsky": "requested",
        "Yelena Tikhonova": "requested",
        "Michal Harel": "discussed",
    }
    member = next(m for m in moscow["detainees"] if m["full_name"] == "Aleksandr Lisovsky")
    assert member["id"] == str(world["lisovsky"].pk)
    assert member["case_ref"] == world["lisovsky"].case_ref
    assert members_of(by_name["Doha talks"]) == {"Hannah Feldstein": "released_through", "Michal Harel": "requested"}


def test_channel_list_paginates(client, world, analyst_token):
    first = client.get(CHANNELS, {"page_size": 2}, **bearer(analyst_token)).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"], **bearer(analyst_token)).json()
    names = [c["name"] for c in first["results"] + second["results"]]
    assert sorted(names) == ["Cairo track", "Doha talks", "Moscow consultations"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "eyJrIjogW251bGxdLCAiciI6IGZhbHNlfQ"}, "cursor"),  # {"k": [null], "r": false}
        ({"page_size": "0"}, "page_size"),
        ({"status": "active"}, "status"),
    ],
)
def test_channel_list_parameters_are_checked(client, world, analyst_token, params, field):
    assert_names(client.get(CHANNELS, params, **bearer(analyst_token)), 400, field)


def test_channel_detail(client, world, analyst_token):
    response = client.get(f"{CHANNELS}{world['doha'].pk}/", **bearer(analyst_token))
    assert response.status_code == 200
    doha = response.json()
    assert doha["name"] == "Doha talks" and doha["mediator"] == "State of Qatar"
    assert members_of(doha) == {"Hannah Feldstein": "released_through", "Michal Harel": "requested"}
    assert_problem(client.get(f"{CHANNELS}00000000-0000-0000-0000-000000000000/", **bearer(analyst_token)), 404)


def test_channel_events_log_oldest_first(client, world, analyst_token):
    response = client.get(f"{CHANNELS}{world['moscow'].pk}/events/", **bearer(analyst_token))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    entries = body["results"]
    assert [e["kind"] for e in entries] == ["meeting", "list_delivered"]
    assert [e["summary"] for e in entries] == ["Delegation received in Moscow", "List of dual citizens handed over"]
    assert [e["source"] for e in entries] == ["TASS", "Russian MFA statement"]
    assert parse_time(entries[0]["occurred_at"]) == datetime(2023, 10, 26, 11, 0, tzinfo=UTC)
    empty = client.get(f"{CHANNELS}{world['doha'].pk}/events/", **bearer(analyst_token)).json()
    assert empty["results"] == []


def test_a_detainees_channels_match_the_channel_members(client, world, analyst_token):
    harel = client.get(f"/api/v1/detainees/{world['harel'].pk}/", **bearer(analyst_token)).json()
    assert sorted((c["name"], c["role"]) for c in harel["channels"]) == [
        ("Cairo track", "requested"),
        ("Doha talks", "requested"),
        ("Moscow consultations", "discussed"),
    ]
    assert {c["id"] for c in harel["channels"]} == {str(world[k].pk) for k in ("moscow", "doha", "cairo")}


def test_a_partner_sees_only_channels_listing_someone_in_scope_and_only_those_members(client, world, moscow_token):
    body = client.get(CHANNELS, **bearer(moscow_token)).json()
    assert [c["name"] for c in body["results"]] == ["Moscow consultations"]
    moscow = body["results"][0]
    assert members_of(moscow) == {"Aleksandr Lisovsky": "requested", "Yelena Tikhonova": "requested"}
    assert "Michal Harel" not in json.dumps(body)

    detail = client.get(f"{CHANNELS}{world['moscow'].pk}/", **bearer(moscow_token))
    assert detail.status_code == 200
    assert members_of(detail.json()) == {"Aleksandr Lisovsky": "requested", "Yelena Tikhonova": "requested"}
    events = client.get(f"{CHANNELS}{world['moscow'].pk}/events/", **bearer(moscow_token))
    assert events.status_code == 200 and len(events.json()["results"]) == 2

    for key in ("doha", "cairo"):
        assert_problem(client.get(f"{CHANNELS}{world[key].pk}/", **bearer(moscow_token)), 404)
        assert_problem(client.get(f"{CHANNELS}{world[key].pk}/events/", **bearer(moscow_token)), 404)


def test_a_partner_may_not_write_channels(client, world, moscow_token):
    body = {"name": "Partner channel", "mediator": "X", "counterpart": "Y"}
    assert_problem(write(client, "post", CHANNELS, moscow_token, body), 403)
    assert_problem(write(client, "patch", f"{CHANNELS}{world['moscow'].pk}/", moscow_token, {"status": "closed"}), 403)
    event = {"kind": "meeting", "occurred_at": "2023-10-30T10:00:00Z", "summary": "S", "source": "P"}
    assert_problem(write(client, "post", f"{CHANNELS}{world['moscow'].pk}/events/", moscow_token, event), 403)
    assert NegotiationChannel.objects.get(pk=world["moscow"].pk).status == "active"
    assert ChannelEvent.objects.count() == 3


def test_an_officer_creates_a_channel(client, world, officer_token):
    body = {
        "name": "Geneva track",
        "mediator": "ICRC",
        "counterpart": "Hamas",
        "place": "Geneva",
        "status": "active",
        "opened_on": "2023-11-01",
        "members": [
            {"detainee": str(world["cohen"].pk), "role": "requested"},
            {"detainee": str(world["feldstein"].pk), "role": "discussed"},
        ],
    }
    response = write(client, "post", CHANNELS, officer_token, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Geneva track" and created["mediator"] == "ICRC" and created["place"] == "Geneva"
    assert created["opened_on"] == "2023-11-01"
    assert members_of(created) == {"Noa Cohen": "requested", "Hannah Feldstein": "discussed"}

    fetched = client.get(f"{CHANNELS}{created['id']}/", **bearer(officer_token))
    assert fetched.status_code == 200 and members_of(fetched.json()) == members_of(created)
    cohen = client.get(f"/api/v1/detainees/{world['cohen'].pk}/", **bearer(officer_token)).json()
    assert {"id": created["id"], "name": "Geneva track", "role": "requested"} in cohen["channels"]
    filtered = client.get("/api/v1/detainees/", {"channel": created["id"]}, **bearer(officer_token)).json()
    assert {r["full_name"] for r in filtered["results"]} == {"Noa Cohen", "Hannah Feldstein"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mediator": "X", "counterpart": "Y"}, "name"),
        ({"name": "N", "counterpart": "Y"}, "mediator"),
        ({"name": "N", "mediator": "X", "counterpart": "Y", "status": "frozen"}, "status"),
        ({"name": "N", "mediator": "X", "counterpart": "Y", "mediator_country": "XX"}, "mediator_country"),
        (
            {"name": "N", "mediator": "X", "counterpart": "Y", "members": [{"detainee": "nope", "role": "requested"}]},
            "members",
        ),
        (
            {
                "name": "N",
                "mediator": "X",
                "counterpart": "Y",
                "members": [{"detainee": "00000000-0000-0000-0000-000000000000", "role": "requested"}],
            },
            "members",
        ),
        ({"name": "N", "mediator": "X", "counterpart": "Y", "colour": "blue"}, "colour"),
    ],
)
def test_channel_validation_errors_name_the_field(client, officer_token, body, field):
    assert_names(write(client, "post", CHANNELS, officer_token, body), 400, field)
    assert not NegotiationChannel.objects.exists()


def test_a_member_with_an_unknown_role_is_a_400(client, world, officer_token):
    body = {
        "name": "N",
        "mediator": "X",
        "counterpart": "Y",
        "members": [{"detainee": str(world["cohen"].pk), "role": "hostage"}],
    }
    assert_names(write(client, "post", CHANNELS, officer_token, body), 400, "members")
    assert not NegotiationChannel.objects.filter(name="N").exists()


def test_an_officer_edits_a_channel(client, world, officer_token):
    path = f"{CHANNELS}{world['moscow'].pk}/"
    before = client.get(path, **bearer(officer_token)).json()
    response = write(client, "patch", path, officer_token, {"status": "paused"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paused"
    assert response.json()["version"] == before["version"] + 1
    assert client.get(path, **bearer(officer_token)).json()["status"] == "paused"


def test_an_officer_logs_a_channel_event(client, world, officer_token):
    path = f"{CHANNELS}{world['doha'].pk}/events/"
    body = {
        "kind": "release",
        "occurred_at": "2023-10-20T18:00:00+00:00",
        "summary": "Two hostages released through Qatari mediation",
        "source": "Qatari MFA",
        "source_url": "https://example.org/qatar",
    }
    response = write(client, "post", path, officer_token, body)
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["kind"] == "release" and entry["summary"] == body["summary"] and entry["source"] == "Qatari MFA"
    assert parse_time(entry["occurred_at"]) == datetime(2023, 10, 20, 18, 0, tzinfo=UTC)
    log = client.get(path, **bearer(officer_token)).json()["results"]
    assert [e["id"] for e in log] == [entry["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occurred_at": "2023-10-20T18:00:00Z", "summary": "S", "source": "P"}, "kind"),
        ({"kind": "party", "occurred_at": "2023-10-20T18:00:00Z", "summary": "S", "source": "P"}, "kind"),
        ({"kind": "meeting", "summary": "S", "source": "P"}, "occurred_at"),
        ({"kind": "meeting", "occurred_at": "2023-10-20T18:00:00Z", "source": "P"}, "summary"),
        ({"kind": "meeting", "occurred_at": "2023-10-20T18:00:00Z", "summary": "S"}, "source"),
    ],
)
def test_channel_event_validation_errors_name_the_field(client, world, officer_token, body, field):
    assert_names(write(client, "post", f"{CHANNELS}{world['doha'].pk}/events/", officer_token, body), 400, field)
    assert not world["doha"].events.exists()


# --- stats -----------------------------------------------------------------------------------------


def expected_counts(people: list[tuple[list[str], str]], by: list[str]) -> dict[tuple, int]:
    counter: Counter = Counter()
    for codes, status in people:
        if by == ["citizenship", "status"]:
            for code in codes:
                counter[(code, status)] += 1
        elif by == ["citizenship"]:
            for code in codes:
                counter[(code,)] += 1
        elif by == ["status"]:
            counter[(status,)] += 1
    return dict(counter)


PEOPLE = [
    (["IL", "RU"], "missing"),
    (["IL"], "held"),
    (["US"], "released"),
    (["RU"], "held"),
    (["IL", "US"], "held"),
]


def test_stats_by_citizenship_and_status(client, world, analyst_token):
    body = stats(client, analyst_token, by="citizenship,status")
    assert body["by"] == ["citizenship", "status"]
    assert set(body) == {"by", "rows"}
    for row in body["rows"]:
        assert set(row) == {"citizenship", "status", "count"} and isinstance(row["count"], int)
    assert as_counter(body["rows"], ["citizenship", "status"]) == expected_counts(PEOPLE, ["citizenship", "status"])


def test_stats_count_a_dual_citizen_under_each_citizenship(client, world, analyst_token):
    body = stats(client, analyst_token, by="citizenship")
    assert as_counter(body["rows"], ["citizenship"]) == {("IL",): 3, ("RU",): 2, ("US",): 2}


def test_stats_by_status(client, world, analyst_token):
    body = stats(client, analyst_token, by="status")
    assert as_counter(body["rows"], ["status"]) == {("missing",): 1, ("held",): 3, ("released",): 1}


def test_stats_by_channel(client, world, analyst_token):
    body = stats(client, analyst_token, by="channel")
    counts = as_counter(body["rows"], ["channel"])
    assert counts[(str(world["moscow"].pk),)] == 3
    assert counts[(str(world["doha"].pk),)] == 2
    assert counts[(str(world["cairo"].pk),)] == 1


def test_stats_accept_the_detainee_filters(client, world, analyst_token):
    held = stats(client, analyst_token, by="citizenship", status="held")
    assert as_counter(held["rows"], ["citizenship"]) == {("IL",): 2, ("RU",): 1, ("US",): 1}
    russians = stats(client, analyst_token, by="status", citizenship="RU")
    assert as_counter(russians["rows"], ["status"]) == {("missing",): 1, ("held",): 1}
    named = stats(client, analyst_token, by="status", q="Harel")
    assert as_counter(named["rows"], ["status"]) == {("held",): 1}
    in_moscow = stats(client, analyst_token, by="status", channel=str(world["moscow"].pk))
    assert as_counter(in_moscow["rows"], ["status"]) == {("missing",): 1, ("held",): 2}


def test_stats_with_the_dual_filter_group_correctly(client, world, officer, analyst_token):
    # A third citizenship must not split a group: one row per status, whatever the citizenship count.
    triple = detainee_create(
        full_name="Triple Citizen", actor=None, citizenships=["IL", "US", "DE"], abducted_at=ABDUCTED
    )
    status_change_record(detainee_id=triple.pk, to_status=Status.HELD, source="Report", actor=officer)
    dual = stats(client, analyst_token, by="status", dual="true")
    assert as_counter(dual["rows"], ["status"]) == {("missing",): 1, ("held",): 2}
    single = stats(client, analyst_token, by="status", dual="false")
    assert as_counter(single["rows"], ["status"]) == {("held",): 2, ("released",): 1}
    dual_by_citizenship = stats(client, analyst_token, by="citizenship", dual="true")
    assert as_counter(dual_by_citizenship["rows"], ["citizenship"]) == {
        ("IL",): 3,
        ("RU",): 1,
        ("US",): 2,
        ("DE",): 1,
    }


def test_stats_for_a_partner_count_only_its_scope(client, world, moscow_token):
    body = stats(client, moscow_token, by="citizenship")
    # Lisovsky (RU+IL) and Tikhonova (RU); Lisovsky's Israeli citizenship appears as a row of its own.
    assert as_counter(body["rows"], ["citizenship"]) == {("RU",): 2, ("IL",): 1}
    by_status = stats(client, moscow_token, by="status")
    assert as_counter(by_status["rows"], ["status"]) == {("missing",): 1, ("held",): 1}
    us = stats(client, moscow_token, by="status", citizenship="US")
    assert us["rows"] == []
    by_channel = stats(client, moscow_token, by="channel")
    assert as_counter(by_channel["rows"], ["channel"]) == {(str(world["moscow"].pk),): 2}


@pytest.mark.parametrize(
    "by",
    ["bogus", "citizenship,status,channel", "", "status,status", "citizenship,bogus", "nationality"],
)
def test_stats_with_a_bad_by_is_a_400_naming_by(client, world, analyst_token, by):
    assert_names(client.get(STATS, {"by": by}, **bearer(analyst_token)), 400, "by")


def test_stats_without_by_is_a_400(client, world, analyst_token):
    assert_names(client.get(STATS, **bearer(analyst_token)), 400, "by")


@pytest.mark.parametrize(("param", "value"), [("status", "kidnapped"), ("citizenship", "XX"), ("citizenships", "RU")])
def test_stats_with_a_bad_filter_is_a_400_naming_it(client, world, analyst_token, param, value):
    assert_names(client.get(STATS, {"by": "status", param: value}, **bearer(analyst_token)), 400, param)


def test_stats_counts_follow_a_new_status_change(client, world, officer, analyst_token):
    before = as_counter(stats(client, analyst_token, by="status")["rows"], ["status"])
    status_change_record(detainee_id=world["harel"].pk, to_status=Status.RELEASED, source="Report", actor=officer)
    after = as_counter(stats(client, analyst_token, by="status")["rows"], ["status"])
    assert after[("held",)] == before[("held",)] - 1
    assert after[("released",)] == before[("released",)] + 1
    assert sum(after.values()) == sum(before.values()) == 5
