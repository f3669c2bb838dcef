"""REST API v1, authentication and authorisation, black-box through the HTTP interface.

DESIGN.md "REST API v1 / Authentication" and "Users and roles": bearer tokens (personal or partner),
stored only as a keyed hash, expiring and revocable, recording their last use; browser sessions with
CSRF; 401 without credentials or with a bad token, 403 for a role that may not.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.choices import Status
from cases.models import Detainee, NegotiationChannel, StatusChange
from cases.services.channels import channel_create
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from core.choices import Role
from partners.models import ApiToken
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue, token_revoke
from tests.api_helpers import assert_problem, bearer

pytestmark = pytest.mark.django_db

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------------


def send(client: Client, method: str, path: str, token: str | None = None, body=None, **extra):
    headers = bearer(token) if token else {}
    headers.update(extra)
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **headers)


def error_fields(body: dict) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


def token_for(**owner) -> str:
    return token_issue(**owner)[1]


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def russian():
    return detainee_create(
        full_name="Yelena Tikhonova", actor=None, citizenships=["RU", "IL"], abducted_at=ABDUCTED, notes="Family: X"
    )


@pytest.fixture
def american():
    return detainee_create(full_name="Hannah Feldstein", actor=None, citizenships=["US"], abducted_at=ABDUCTED)


@pytest.fixture
def moscow_partner():
    return partner_ensure(name="Moscow desk", nationalities=["RU"])[0]


@pytest.fixture
def officer_token(officer):
    return token_for(user=officer)


@pytest.fixture
def analyst_token(analyst):
    return token_for(user=analyst)


@pytest.fixture
def admin_token(admin_user):
    return token_for(user=admin_user)


@pytest.fixture
def partner_token(moscow_partner):
    return token_for(partner=moscow_partner)


def new_detainee_body(**overrides) -> dict:
    body = {"full_name": "Liora Gefen", "citizenships": ["IL", "US"], "sex": "female"}
    body.update(overrides)
    return body


# --- 401: no or bad credentials --------------------------------------------------------------------


def api_paths(detainee: Detainee) -> list[str]:
    return [
        "/api/v1/detainees/",
        f"/api/v1/detainees/{detainee.pk}/",
        f"/api/v1/detainees/{detainee.pk}/status-changes/",
        "/api/v1/channels/",
        "/api/v1/changes/",
        "/api/v1/stats/?by=status",
        "/api/v1/schema/",
    ]


def test_no_credentials_is_a_401_problem_with_a_www_authenticate_challenge(client, russian):
    for path in api_paths(russian):
        response = client.get(path)
        assert_problem(response, 401)
        assert response.has_header("WWW-Authenticate"), path
        assert response["WWW-Authenticate"].lower().startswith("bearer"), path
        assert "Yelena" not in response.content.decode()


def test_anonymous_writes_are_401_and_change_nothing(client, russian):
    assert_problem(send(client, "post", "/api/v1/detainees/", body=new_detainee_body()), 401)
    assert_problem(send(client, "patch", f"/api/v1/detainees/{russian.pk}/", body={"full_name": "Changed"}), 401)
    body = {"to_status": "held", "source": "x"}
    assert_problem(send(client, "post", f"/api/v1/detainees/{russian.pk}/status-changes/", body=body), 401)
    assert Detainee.objects.count() == 1
    russian.refresh_from_db()
    assert (russian.full_name, russian.status, russian.version) == ("Yelena Tikhonova", Status.MISSING, 1)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer htk_0123456789ab_notarealsecretnotarealsecretnotarealsecret",
        "Bearer garbage",
        "Bearer ",
        "Bearer a b",
        "bearer htk__",
    ],
)
def test_a_bad_token_is_a_401_problem(client, russian, officer_token, header):
    response = client.get("/api/v1/detainees/", HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)
    assert response.has_header("WWW-Authenticate")


def test_a_token_with_a_real_prefix_but_the_wrong_secret_is_a_401(client, officer_token):
    marker, prefix, secret = officer_token.split("_", 2)
    tampered = f"{marker}_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert_problem(client.get("/api/v1/detainees/", **bearer(tampered)), 401)
    assert client.get("/api/v1/detainees/", **bearer(officer_token)).status_code == 200


def test_a_revoked_token_is_a_401(client, officer):
    row, text = token_issue(user=officer)
    assert client.get("/api/v1/detainees/", **bearer(text)).status_code == 200
    token_revoke(token=row)
    assert_problem(client.get("/api/v1/detainees/", **bearer(text)), 401)
    assert_problem(send(client, "post", "/api/v1/detainees/", text, new_detainee_body()), 401)
    assert not Detainee.objects.exists()


def test_an_expired_token_is_a_401_and_an_unexpired_one_works(client, officer):
    _, expired = token_issue(user=officer, expires_at=timezone.now() - timedelta(seconds=1))
    _, valid = token_issue(user=officer, expires_at=timezone.now() + timedelta(days=1))
    assert_problem(client.get("/api/v1/detainees/", **bearer(expired)), 401)
    assert client.get("/api/v1/detainees/", **bearer(valid)).status_code == 200


def test_an_expired_partner_token_is_a_401(client, moscow_partner):
    _, expired = token_issue(partner=moscow_partner, expires_at=timezone.now() - timedelta(minutes=1))
    assert_problem(client.get("/api/v1/detainees/", **bearer(expired)), 401)


def test_the_token_is_stored_only_as_a_hash(officer):
    row, text = token_issue(user=officer)
    secret = text.split("_", 2)[2]
    assert len(secret) >= 32
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    for column, value in stored.items():
        assert secret not in str(value), column
        assert text not in str(value), column
    # And in the table as the database holds it, every column as text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM partners_apitoken t WHERE id = %s", [row.pk])
        (whole_row,) = cursor.fetchone()
    assert secret not in whole_row
    assert secret[:16] not in whole_row


def test_two_tokens_are_different_and_each_authenticates(client, officer, analyst):
    first = token_for(user=officer)
    second = token_for(user=analyst)
    assert first != second
    assert client.get("/api/v1/detainees/", **bearer(first)).status_code == 200
    assert client.get("/api/v1/detainees/", **bearer(second)).status_code == 200


def test_last_used_at_is_recorded(client, officer):
    row, text = token_issue(user=officer)
    assert row.last_used_at is None
    before = timezone.now()
    assert client.get("/api/v1/detainees/", **bearer(text)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert before - timedelta(seconds=1) <= row.last_used_at <= timezone.now() + timedelta(seconds=1)


def test_a_failed_attempt_does_not_mark_the_token_used(client, officer):
    row, text = token_issue(user=officer)
    client.get("/api/v1/detainees/", **bearer(text[:-2] + "zz"))
    row.refresh_from_db()
    assert row.last_used_at is None


def test_schema_and_docs_need_credentials(client, analyst_token, partner_token):
    for path in ("/api/v1/schema/", "/api/v1/docs/"):
        assert_problem(client.get(path), 401)
        assert client.get(path, **bearer(analyst_token)).status_code == 200, path
        assert client.get(path, **bearer(partner_token)).status_code == 200, path
    schema = client.get("/api/v1/schema/", **bearer(analyst_token)).json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/detainees/" in schema["paths"]


def test_rate_limited_requests_get_a_429_with_retry_after(client, officer, settings):
    settings.API_THROTTLE_RATE = "3/min"
    token = token_for(user=officer)
    statuses = [client.get("/api/v1/detainees/", **bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get("/api/v1/detainees/", **bearer(token))
    assert_problem(response, 429)
    assert response.has_header("Retry-After")
    assert int(response["Retry-After"]) >= 1
    # Another caller is not limited by this one's use.
    assert client.get("/api/v1/detainees/", **bearer(token_for(user=officer))).status_code == 200


# --- issue_token ---------------------------------------------------------------------------------


def run_issue_token(*args: str) -> list[str]:
    out = StringIO()
    call_command("issue_token", *args, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines
    return lines


def test_issue_token_for_a_user_prints_the_token_alone_on_the_last_line(client, officer):
    lines = run_issue_token("--user", officer.username)
    token = lines[-1]
    assert token == token.strip() and " " not in token
    assert all(token not in line for line in lines[:-1])
    assert ApiToken.objects.filter(user=officer).count() == 1
    assert client.get("/api/v1/detainees/", **bearer(token)).status_code == 200
    created = send(client, "post", "/api/v1/detainees/", token, new_detainee_body())
    assert created.status_code == 201, created.content


def test_issue_token_for_a_partner_gives_a_scoped_read_only_token(client, russian, american):
    israeli = detainee_create(full_name="Michal Harel", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)
    lines = run_issue_token("--partner", "Jerusalem liaison", "--nationalities", "RU,IL")
    token = lines[-1]
    assert " " not in token and all(token not in line for line in lines[:-1])

    response = client.get("/api/v1/detainees/", **bearer(token))
    assert response.status_code == 200
    seen = {row["id"] for row in response.json()["results"]}
    assert seen == {str(russian.pk), str(israeli.pk)}
    assert_problem(client.get(f"/api/v1/detainees/{american.pk}/", **bearer(token)), 404)
    assert_problem(send(client, "post", "/api/v1/detainees/", token, new_detainee_body()), 403)


# --- 403: roles that may not ---------------------------------------------------------------------


def test_partner_tokens_are_read_only(client, russian, partner_token):
    assert client.get(f"/api/v1/detainees/{russian.pk}/", **bearer(partner_token)).status_code == 200
    assert_problem(send(client, "post", "/api/v1/detainees/", partner_token, new_detainee_body()), 403)
    patched = send(client, "patch", f"/api/v1/detainees/{russian.pk}/", partner_token, {"full_name": "Changed"})
    assert_problem(patched, 403)
    change = {"to_status": "held", "source": "Partner report"}
    path = f"/api/v1/detainees/{russian.pk}/status-changes/"
    assert_problem(send(client, "post", path, partner_token, change), 403)
    channel = {"name": "Partner channel", "mediator": "X", "counterpart": "Y"}
    assert_problem(send(client, "post", "/api/v1/channels/", partner_token, channel), 403)

    russian.refresh_from_db()
    assert (russian.full_name, russian.status, russian.version) == ("Yelena Tikhonova", Status.MISSING, 1)
    assert Detainee.objects.count() == 1
    assert not StatusChange.objects.exists()
    assert not NegotiationChannel.objects.exists()


def test_analysts_may_read_but_not_write(client, russian, analyst_token):
    assert client.get("/api/v1/detainees/", **bearer(analyst_token)).status_code == 200
    assert client.get(f"/api/v1/detainees/{russian.pk}/", **bearer(analyst_token)).status_code == 200
    assert_problem(send(client, "post", "/api/v1/detainees/", analyst_token, new_detainee_body()), 403)
    patched = send(client, "patch", f"/api/v1/detainees/{russian.pk}/", analyst_token, {"full_name": "Changed"})
    assert_problem(patched, 403)
    change = {"to_status": "held", "source": "Analyst"}
    assert_problem(send(client, "post", f"/api/v1/detainees/{russian.pk}/status-changes/", analyst_token, change), 403)
    channel = {"name": "Analyst channel", "mediator": "X", "counterpart": "Y"}
    assert_problem(send(client, "post", "/api/v1/channels/", analyst_token, channel), 403)

    russian.refresh_from_db()
    assert (russian.full_name, russian.status, russian.version) == ("Yelena Tikhonova", Status.MISSING, 1)
    assert Detainee.objects.count() == 1
    assert not NegotiationChannel.objects.exists()


def test_analysts_may_not_log_channel_events(client, analyst_token):
    channel = channel_create(actor=None, name="Cairo talks", mediator="Egypt", counterpart="Hamas")
    event = {"kind": "meeting", "occurred_at": "2023-10-20T10:00:00Z", "summary": "Met", "source": "Press"}
    assert_problem(send(client, "post", f"/api/v1/channels/{channel.pk}/events/", analyst_token, event), 403)
    assert not channel.events.exists()


def test_officers_may_create_edit_and_record(client, officer, officer_token):
    created = send(client, "post", "/api/v1/detainees/", officer_token, new_detainee_body())
    assert created.status_code == 201, created.content
    detainee_id = created.json()["id"]

    edited = send(
        client, "patch", f"/api/v1/detainees/{detainee_id}/", officer_token, {"abduction_place": "Kibbutz Givat Oren"}
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["abduction_place"] == "Kibbutz Givat Oren"

    change = {"to_status": "held", "source": "Video published by captors"}
    recorded = send(client, "post", f"/api/v1/detainees/{detainee_id}/status-changes/", officer_token, change)
    assert recorded.status_code == 201, recorded.content
    assert Detainee.objects.get(pk=detainee_id).status == Status.HELD

    channel = {"name": "Officer channel", "mediator": "State of Qatar", "counterpart": "Hamas"}
    assert send(client, "post", "/api/v1/channels/", officer_token, channel).status_code == 201


def test_corrections_are_for_admins_only(client, russian, officer, officer_token, admin_token):
    status_change_record(detainee_id=russian.pk, to_status=Status.RELEASED, source="Press", actor=officer)
    path = f"/api/v1/detainees/{russian.pk}/status-changes/"
    correction = {
        "to_status": "held",
        "source": "Review of the release report",
        "is_correction": True,
        "correction_reason": "The release report named the wrong person",
    }
    assert_problem(send(client, "post", path, officer_token, correction), 403)
    russian.refresh_from_db()
    assert russian.status == Status.RELEASED
    assert StatusChange.objects.filter(detainee=russian).count() == 1

    response = send(client, "post", path, admin_token, correction)
    assert response.status_code == 201, response.content
    assert response.json()["is_correction"] is True
    russian.refresh_from_db()
    assert russian.status == Status.HELD


def test_a_personal_token_acts_with_its_users_current_role(client, make_user):
    user = make_user(Role.ANALYST, username="ana")
    token = token_for(user=user)
    assert_problem(send(client, "post", "/api/v1/detainees/", token, new_detainee_body()), 403)
    promoted = make_user(Role.OFFICER, username="ana")  # the same user, now an officer
    assert promoted.pk == user.pk
    response = send(client, "post", "/api/v1/detainees/", token, new_detainee_body())
    assert response.status_code == 201, response.content


def test_a_deactivated_users_token_stops_working(client, officer):
    token = token_for(user=officer)
    assert client.get("/api/v1/detainees/", **bearer(token)).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert_problem(client.get("/api/v1/detainees/", **bearer(token)), 401)


# --- browser sessions ----------------------------------------------------------------------------


def test_a_logged_in_session_reads_the_api(russian, analyst):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)
    response = browser.get("/api/v1/detainees/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(russian.pk)]
    assert "notes" not in response.json()["results"][0]


def test_a_session_write_without_a_csrf_token_is_refused(officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    response = send(browser, "post", "/api/v1/detainees/", body=new_detainee_body())
    assert_problem(response, 403)
    assert re.search("csrf", response.json()["detail"], re.IGNORECASE)
    assert not Detainee.objects.exists()


def test_a_session_write_with_a_csrf_token_works(officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    secret = "abcdefghijklmnopqrstuvwxyzABCDEF"
    browser.cookies["csrftoken"] = secret
    response = send(browser, "post", "/api/v1/detainees/", body=new_detainee_body(), HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content
    assert Detainee.objects.filter(full_name="Liora Gefen").exists()


def test_a_session_without_login_is_a_401(russian):
    browser = Client(enforce_csrf_checks=True)
    assert_problem(browser.get("/api/v1/detainees/"), 401)
