"""REST API v1, a detainee's status changes: recording them (201, 409, 400), corrections, and the history.

DESIGN.md "Status lifecycle" and `POST/GET /api/v1/detainees/{id}/status-changes/`.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.choices import TRANSITIONS, Status
from cases.models import Detainee, StatusChange
from cases.services.channels import channel_create
from cases.services.detainees import detainee_create
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_names, assert_problem, bearer
from tests.factories import status_record_confirmed

pytestmark = pytest.mark.django_db

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)
CHANGE_FIELDS = {
    "id",
    "from_status",
    "to_status",
    "occurred_at",
    "recorded_at",
    "recorded_by",
    "source",
    "source_url",
    "confidence",
    "channel",
    "note",
    "is_correction",
    "correction_reason",
}
ALLOWED_FROM_MISSING = ["held", "release_pending", "released", "rescued", "escaped", "deceased", "not_held"]


# --- helpers ---------------------------------------------------------------------------------------


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value!r} has no UTC offset"
    return parsed


def path_of(detainee) -> str:
    return f"/api/v1/detainees/{detainee.pk}/status-changes/"


def post(client: Client, detainee, token: str, body: dict, **extra):
    return client.post(
        path_of(detainee), data=json.dumps(body), content_type="application/json", **bearer(token), **extra
    )


def current(client: Client, detainee, token: str) -> dict:
    response = client.get(f"/api/v1/detainees/{detainee.pk}/", **bearer(token))
    assert response.status_code == 200
    return response.json()


def history(client: Client, detainee, token: str, **params) -> dict:
    response = client.get(path_of(detainee), params, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def detainee():
    return detainee_create(full_name="Doron Kedem", actor=None, citizenships=["IL", "FR"], abducted_at=ABDUCTED)


@pytest.fixture
def officer_token(officer):
    return token_issue(user=officer)[1]


@pytest.fixture
def admin_token(admin_user):
    return token_issue(user=admin_user)[1]


# --- recording -------------------------------------------------------------------------------------


def test_a_valid_change_is_201_with_the_change_and_moves_the_detainee(client, detainee, officer, officer_token):
    at = ABDUCTED + timedelta(days=2)
    body = {
        "to_status": "held",
        "source": "Video published by the captors",
        "source_url": "https://example.org/report/1",
        "occurred_at": at.isoformat(),
        "confidence": "confirmed",
        "note": "Seen alive",
        "from_status": "missing",
    }
    response = post(client, detainee, officer_token, body)
    assert response.status_code == 201, response.content
    change = response.json()
    assert set(change) >= CHANGE_FIELDS
    assert change["from_status"] == "missing" and change["to_status"] == "held"
    assert parse_time(change["occurred_at"]) == at
    assert change["source"] == "Video published by the captors"
    assert change["source_url"] == "https://example.org/report/1"
    assert change["confidence"] == "confirmed"
    assert change["note"] == "Seen alive"
    assert change["is_correction"] is False
    assert change["channel"] is None
    assert abs(parse_time(change["recorded_at"]) - timezone.now()) < timedelta(minutes=1)
    assert StatusChange.objects.filter(pk=change["id"]).exists()

    row = current(client, detainee, officer_token)
    assert row["status"] == "held"
    assert parse_time(row["status_since"]) == at
    assert row["version"] == 2

    entries = history(client, detainee, officer_token)["results"]
    assert [e["id"] for e in entries] == [change["id"]]
    assert entries[0] == change


def test_confidence_defaults_to_reported(client, detainee, officer_token):
    response = post(client, detainee, officer_token, {"to_status": "held", "source": "Press"})
    assert response.status_code == 201, response.content
    assert response.json()["confidence"] == "reported"


def test_the_change_can_name_its_channel(client, detainee, officer_token):
    channel = channel_create(actor=None, name="Doha talks", mediator="State of Qatar", counterpart="Hamas")
    body = {"to_status": "released", "source": "Qatari MFA", "channel": str(channel.pk)}
    response = post(client, detainee, officer_token, body)
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == str(channel.pk)


def test_an_unknown_channel_is_a_400_naming_channel(client, detainee, officer_token):
    body = {"to_status": "released", "source": "Qatari MFA", "channel": "00000000-0000-0000-0000-000000000000"}
    assert_names(post(client, detainee, officer_token, body), 400, "channel")
    assert_names(post(client, detainee, officer_token, {**body, "channel": "doha"}), 400, "channel")
    assert not StatusChange.objects.exists()


def test_an_invalid_transition_is_a_409_naming_the_allowed_next_statuses(client, detainee, officer_token):
    response = post(client, detainee, officer_token, {"to_status": "remains_returned", "source": "Rumour"})
    body = assert_problem(response, 409)
    for status in ALLOWED_FROM_MISSING:
        assert status in body["detail"], status
    row = current(client, detainee, officer_token)
    assert row["status"] == "missing" and row["version"] == 1
    assert history(client, detainee, officer_token)["results"] == []


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["held"], "missing"),
        (["held"], "not_held"),
        (["release_pending"], "rescued"),
        (["released"], "held"),
        (["deceased"], "held"),
        (["deceased", "remains_returned"], "deceased"),
        (["not_held"], "held"),
    ],
)
def test_transitions_outside_the_table_are_409(client, detainee, officer, officer_token, path, refused):
    for status in path:
        status_record_confirmed(detainee_id=detainee.pk, to_status=status, source="Setup", actor=officer)
    last = path[-1]
    body = assert_problem(post(client, detainee, officer_token, {"to_status": refused, "source": "Report"}), 409)
    for allowed in TRANSITIONS.get(last, ()):
        assert allowed in body["detail"], allowed
    assert Detainee.objects.get(pk=detainee.pk).status == last


def test_every_allowed_transition_is_accepted(client, officer, officer_token):
    for source_status, targets in TRANSITIONS.items():
        for target in targets:
            person = detainee_create(full_name=f"{source_status} to {target}", actor=None, abducted_at=ABDUCTED)
            route = {
                "missing": [],
                "held": ["held"],
                "release_pending": ["release_pending"],
                "deceased": ["deceased"],
            }[source_status]
            for step in route:
                status_record_confirmed(detainee_id=person.pk, to_status=step, source="Setup", actor=officer)
            response = post(client, person, officer_token, {"to_status": target, "source": "Report"})
            # A death waits for a second officer (four eyes): proposed, not yet recorded.
            expected = 202 if target == Status.DECEASED else 201
            assert response.status_code == expected, (source_status, target, response.content)


def test_a_stale_from_status_is_a_409_and_changes_nothing(client, detainee, officer, officer_token):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.HELD, source="Video", actor=officer)
    response = post(client, detainee, officer_token, {"to_status": "released", "source": "X", "from_status": "missing"})
    body = assert_problem(response, 409)
    assert "held" in body["detail"]
    row = current(client, detainee, officer_token)
    assert row["status"] == "held" and row["version"] == 2
    assert len(history(client, detainee, officer_token)["results"]) == 1
    ok = post(client, detainee, officer_token, {"to_status": "released", "source": "X", "from_status": "held"})
    assert ok.status_code == 201, ok.content


@pytest.mark.parametrize(
    "body", [{"to_status": "held"}, {"to_status": "held", "source": ""}, {"to_status": "held", "source": "  "}]
)
def test_a_missing_source_is_a_400_naming_source(client, detainee, officer_token, body):
    assert_names(post(client, detainee, officer_token, body), 400, "source")
    assert current(client, detainee, officer_token)["status"] == "missing"
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source": "X"}, "to_status"),
        ({"to_status": "kidnapped", "source": "X"}, "to_status"),
        ({"to_status": "held", "source": "X", "confidence": "certain"}, "confidence"),
        ({"to_status": "held", "source": "X", "occurred_at": "yesterday"}, "occurred_at"),
        ({"to_status": "held", "source": "X", "source_url": "not a url"}, "source_url"),
        ({"to_status": "held", "source": "X", "from_status": "kidnapped"}, "from_status"),
        ({"to_status": "held", "source": "X", "recorded_by": "someone"}, "recorded_by"),
        ({"to_status": "held", "source": "X", "is_correction": "maybe"}, "is_correction"),
        ({"to_status": "held", "source": "X", "colour": "red"}, "colour"),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(client, detainee, officer_token, body, field):
    assert_names(post(client, detainee, officer_token, body), 400, field)
    assert not StatusChange.objects.exists()


def test_occurred_at_in_the_future_is_a_400(client, detainee, officer_token):
    future = timezone.now() + timedelta(minutes=10)
    body = {"to_status": "held", "source": "X", "occurred_at": future.isoformat()}
    assert_names(post(client, detainee, officer_token, body), 400, "occurred_at")
    assert current(client, detainee, officer_token)["status"] == "missing"


def test_occurred_at_before_the_current_status_is_a_400(client, detainee, officer, officer_token):
    held_at = ABDUCTED + timedelta(days=5)
    status_record_confirmed(
        detainee_id=detainee.pk, to_status=Status.HELD, source="Video", actor=officer, occurred_at=held_at
    )
    earlier = held_at - timedelta(hours=1)
    body = {"to_status": "released", "source": "X", "occurred_at": earlier.isoformat()}
    assert_names(post(client, detainee, officer_token, body), 400, "occurred_at")
    # Before the abduction (the initial `missing`) too.
    other = detainee_create(full_name="Second Person", actor=None, abducted_at=ABDUCTED)
    before = {"to_status": "held", "source": "X", "occurred_at": (ABDUCTED - timedelta(minutes=1)).isoformat()}
    assert_names(post(client, other, officer_token, before), 400, "occurred_at")
    assert current(client, detainee, officer_token)["status"] == "held"
    assert current(client, other, officer_token)["status"] == "missing"


def test_occurred_at_without_an_offset_is_a_400(client, detainee, officer_token):
    """Times are ISO 8601 with offset; the service itself refuses a naive time ("Give the time with its UTC offset")."""
    body = {"to_status": "held", "source": "X", "occurred_at": "2023-10-09T15:00:00"}
    assert_names(post(client, detainee, officer_token, body), 400, "occurred_at")
    assert current(client, detainee, officer_token)["status"] == "missing"


def test_bad_input_never_yields_a_5xx(client, detainee, officer_token):
    bodies = [
        [],
        [{"to_status": "held", "source": "X"}],
        "held",
        {"to_status": ["held"], "source": "X"},
        {"to_status": "held", "source": ["X"]},
        {"to_status": "held", "source": "X" * 2000},
        {"to_status": "held", "source": "X", "occurred_at": 12345},
        {"to_status": "held", "source": "X", "occurred_at": "0001-01-01T00:00:00Z"},
        {"to_status": "held", "source": "X", "occurred_at": "9999-12-31T23:59:59+14:00"},
        {"to_status": "held", "source": "X", "channel": 5},
        {"to_status": "held", "source": "X", "channel": {"id": 1}},
        {"to_status": "held", "source": "X", "note": None},
        {"to_status": "held", "source": "X", "source_url": "javascript:alert(1)"},
        {"to_status": "held", "source": "X", "is_correction": True, "correction_reason": ["x"]},
        {"to_status": None, "source": None},
    ]
    for body in bodies:
        response = post(client, detainee, officer_token, body)
        assert response.status_code == 400, (body, response.content)
    assert not StatusChange.objects.exists()
    for params in ({"page_size": "²"}, {"cursor": "eyJrIjogW251bGxdLCAiciI6IGZhbHNlfQ"}, {"cursor": "W10"}):
        response = client.get(path_of(detainee), params, **bearer(officer_token))
        assert response.status_code == 400, (params, response.content)


def test_occurred_at_equal_to_the_current_status_is_accepted(client, detainee, officer_token):
    body = {"to_status": "held", "source": "X", "occurred_at": ABDUCTED.isoformat()}
    assert post(client, detainee, officer_token, body).status_code == 201


def test_occurred_at_with_an_offset_is_kept_as_the_same_instant(client, detainee, officer_token):
    body = {"to_status": "held", "source": "X", "occurred_at": "2023-10-09T15:00:00+03:00"}
    response = post(client, detainee, officer_token, body)
    assert response.status_code == 201, response.content
    assert parse_time(response.json()["occurred_at"]) == datetime(2023, 10, 9, 12, 0, tzinfo=UTC)


def test_default_occurred_at_is_the_moment_of_recording(client, detainee, officer_token):
    before = timezone.now()
    response = post(client, detainee, officer_token, {"to_status": "held", "source": "X"})
    after = timezone.now()
    assert response.status_code == 201
    change = response.json()
    occurred, recorded = parse_time(change["occurred_at"]), parse_time(change["recorded_at"])
    assert abs(occurred - recorded) < timedelta(seconds=1)
    assert before - timedelta(seconds=1) <= occurred <= after + timedelta(seconds=1)
    assert parse_time(current(client, detainee, officer_token)["status_since"]) == occurred


# --- corrections -----------------------------------------------------------------------------------


def test_an_admin_correction_is_201_and_marked(client, detainee, officer, admin_token):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.RELEASED, source="Press", actor=officer)
    body = {
        "to_status": "held",
        "source": "Foreign ministry",
        "is_correction": True,
        "correction_reason": "The release report confused two people",
    }
    response = post(client, detainee, admin_token, body)
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["is_correction"] is True
    assert change["correction_reason"] == "The release report confused two people"
    assert change["from_status"] == "released" and change["to_status"] == "held"
    assert change["recorded_by"].startswith("token:")
    row = current(client, detainee, admin_token)
    assert row["status"] == "held" and row["version"] == 3
    entries = history(client, detainee, admin_token)["results"]
    assert [e["is_correction"] for e in entries] == [False, True]


def test_a_correction_may_be_dated_before_the_current_status(client, detainee, officer, admin_token):
    released_at = ABDUCTED + timedelta(days=40)
    status_record_confirmed(
        detainee_id=detainee.pk, to_status=Status.RELEASED, source="Press", actor=officer, occurred_at=released_at
    )
    body = {
        "to_status": "held",
        "source": "Review",
        "occurred_at": (released_at - timedelta(days=1)).isoformat(),
        "is_correction": True,
        "correction_reason": "Date was wrong",
    }
    assert post(client, detainee, admin_token, body).status_code == 201


def test_a_correction_needs_a_reason(client, detainee, officer, admin_token):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.RELEASED, source="Press", actor=officer)
    body = {"to_status": "held", "source": "Review", "is_correction": True}
    assert_names(post(client, detainee, admin_token, body), 400, "correction_reason")
    assert_names(post(client, detainee, admin_token, {**body, "correction_reason": "  "}), 400, "correction_reason")
    assert current(client, detainee, admin_token)["status"] == "released"


def test_an_officer_may_not_record_a_correction(client, detainee, officer, officer_token):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.RELEASED, source="Press", actor=officer)
    body = {"to_status": "held", "source": "Review", "is_correction": True, "correction_reason": "Wrong"}
    assert_problem(post(client, detainee, officer_token, body), 403)
    assert current(client, detainee, officer_token)["status"] == "released"


def test_a_final_status_refuses_a_plain_change(client, detainee, officer, admin_token):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.RELEASED, source="Press", actor=officer)
    assert_problem(post(client, detainee, admin_token, {"to_status": "held", "source": "Review"}), 409)


# --- history ---------------------------------------------------------------------------------------


def test_a_new_detainee_has_an_empty_history(client, detainee, officer_token):
    assert history(client, detainee, officer_token) == {"results": [], "next": None, "previous": None}


def test_history_is_oldest_first_chained_and_paginated(client, detainee, officer, officer_token):
    steps = [
        ("held", ABDUCTED + timedelta(days=1)),
        ("release_pending", ABDUCTED + timedelta(days=45)),
        ("held", ABDUCTED + timedelta(days=47)),
        ("release_pending", ABDUCTED + timedelta(days=60)),
        ("released", ABDUCTED + timedelta(days=61)),
    ]
    for status, at in steps:
        status_record_confirmed(
            detainee_id=detainee.pk, to_status=status, source="Report", actor=officer, occurred_at=at
        )

    full = history(client, detainee, officer_token)
    assert [e["to_status"] for e in full["results"]] == [s for s, _ in steps]
    assert [parse_time(e["occurred_at"]) for e in full["results"]] == [at for _, at in steps]
    assert full["results"][0]["from_status"] == "missing"
    for previous, entry in zip(full["results"], full["results"][1:], strict=False):
        assert entry["from_status"] == previous["to_status"]
    assert all(e["recorded_by"] == officer.get_username() for e in full["results"])

    pages = []
    url = f"{path_of(detainee)}?page_size=2"
    while url:
        body = client.get(url, **bearer(officer_token)).json()
        assert set(body) == {"results", "next", "previous"}
        pages.append(body)
        url = body["next"]
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert [e["id"] for p in pages for e in p["results"]] == [e["id"] for e in full["results"]]
    assert pages[0]["previous"] is None
    back = client.get(pages[2]["previous"], **bearer(officer_token)).json()
    assert [e["id"] for e in back["results"]] == [e["id"] for e in pages[1]["results"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"cursor": "zzz"}, "cursor"),
        ({"status": "held"}, "status"),
    ],
)
def test_history_query_parameters_are_checked(client, detainee, officer_token, params, field):
    assert_names(client.get(path_of(detainee), params, **bearer(officer_token)), 400, field)


def test_history_of_an_unknown_detainee_is_a_404(client, officer_token):
    response = client.get(
        "/api/v1/detainees/00000000-0000-0000-0000-000000000000/status-changes/", **bearer(officer_token)
    )
    assert_problem(response, 404)
    body = {"to_status": "held", "source": "X"}
    response = client.post(
        "/api/v1/detainees/00000000-0000-0000-0000-000000000000/status-changes/",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(officer_token),
    )
    assert_problem(response, 404)


def test_a_change_recorded_with_a_token_is_attributed_to_the_token(client, detainee, officer):
    row, token = token_issue(user=officer)
    response = post(client, detainee, token, {"to_status": "held", "source": "API client"})
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == f"token:{row.prefix}"
    assert history(client, detainee, token)["results"][0]["recorded_by"] == f"token:{row.prefix}"
    assert row.prefix not in token.split("_", 2)[2]


def test_a_change_recorded_in_a_session_is_attributed_to_the_user(detainee, officer):
    browser = Client()
    browser.force_login(officer)
    response = browser.post(
        path_of(detainee), data=json.dumps({"to_status": "held", "source": "Desk"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == officer.get_username()


def test_a_partner_reads_the_history_of_a_detainee_in_scope(client, detainee, officer):
    status_record_confirmed(detainee_id=detainee.pk, to_status=Status.HELD, source="Video", actor=officer)
    partner, _ = partner_ensure(name="Paris desk", nationalities=["FR"])
    token = token_issue(partner=partner)[1]
    entries = history(client, detainee, token)["results"]
    assert [e["to_status"] for e in entries] == ["held"]
    assert_problem(post(client, detainee, token, {"to_status": "released", "source": "Partner"}), 403)
