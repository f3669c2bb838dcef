"""Rate limits, and Redis down as a degraded state: the API keeps answering."""

import pytest
from django.core.cache import cache

from partners.services.tokens import token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(analyst):
    return token_issue(user=analyst)[1]


def get(client, token):
    return client.get("/api/v1/detainees/", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_over_the_rate_is_429_with_retry_after(client, token, analyst, settings):
    cache.clear()
    settings.API_THROTTLE_RATE = "3/min"
    assert [get(client, token).status_code for _ in range(3)] == [200, 200, 200]
    response = get(client, token)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == 429
    # Another token has its own budget.
    other = token_issue(user=analyst)[1]
    assert get(client, other).status_code == 200


def test_redis_down_the_api_still_answers(client, token, settings):
    settings.API_THROTTLE_RATE = "3/min"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert {get(client, token).status_code for _ in range(5)} == {200}  # limits fail open


def test_changes_made_with_a_token_name_it_in_the_field_history(client, officer):
    from cases.services.detainees import detainee_create
    from partners.models import ApiToken

    token_row, token = token_issue(user=officer)
    detainee = detainee_create(full_name="Roman Gromov", actor=officer)
    response = client.patch(
        f"/api/v1/detainees/{detainee.pk}/",
        {"abduction_place": "Kfar Rimon"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    latest = detainee.history.order_by("-history_id").first()
    assert latest.abduction_place == "Kfar Rimon"
    assert latest.history_user == officer
    assert latest.history_api_token_id == token_row.pk == ApiToken.objects.get().pk


@pytest.mark.parametrize(
    "query", ["page_size=2&page_size=3", "dual=true&dual=false", "q=a&q=b", "ordering=case_ref&ordering=-case_ref"]
)
def test_a_single_valued_parameter_given_twice_is_a_400(client, token, query):
    response = client.get(f"/api/v1/detainees/?{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_repeatable_filters_may_repeat(client, token):
    assert get(client, token).status_code == 200
    response = client.get("/api/v1/detainees/?status=held&status=missing", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_dates_in_the_future_are_refused(client, officer):
    from cases.services.detainees import detainee_create

    detainee = detainee_create(full_name="Noam Oren", actor=officer)
    _, officer_token = token_issue(user=officer)
    for body in ({"date_of_birth": "2090-01-01"}, {"abducted_at": "2090-01-01T00:00:00Z"}):
        response = client.patch(
            f"/api/v1/detainees/{detainee.pk}/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {officer_token}",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == next(iter(body))


def _forged(values: list, reverse: bool = False) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps({"k": values, "r": reverse}).encode()).decode().rstrip("=")


def test_bad_input_found_by_probing_is_a_clear_4xx_never_a_500(client, officer, settings):
    """A forged cursor (a time offset of +23:00, a NUL), JSON nested 100,000 deep, and a body over the
    size limit each answered 500. Cursors are signed now, and the rest are problems."""
    import json

    from cases.services.detainees import detainee_create

    for n in range(3):
        detainee_create(full_name=f"Person {n}", actor=officer)
    token = token_issue(user=officer)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    page = client.get("/api/v1/detainees/?page_size=1&ordering=updated_at", **auth).json()
    assert client.get(page["next"], **auth).status_code == 200  # a cursor the server gave still works
    for forged in (
        _forged(["2023-10-07T00:00:00+23:00", "HC-000001"]),
        _forged(["2023-10-07T00:00:00+00:00", "HC-\u0000"]),
        _forged(["HC-000001"]),
    ):
        response = client.get(f"/api/v1/detainees/?ordering=updated_at&cursor={forged}", **auth)
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor", response.content
    deep = "[" * 100_000 + "]" * 100_000
    nested = client.post("/api/v1/detainees/", data=deep, content_type="application/json", **auth)
    assert nested.status_code == 400 and nested["Content-Type"] == "application/problem+json"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = json.dumps({"full_name": "A Person", "notes": "x" * 20_000})
    too_big = client.post("/api/v1/detainees/", data=big, content_type="application/json", **auth)
    assert too_big.status_code == 413 and too_big.json()["status"] == 413


def test_names_are_one_line_and_an_email_subject_is_always_one(client, officer, analyst, mailoutbox):
    """A full_name with CR/LF was accepted; its alert email then raised in the subject header, was
    retried for three days and died. Names refuse control characters; a subject is one line anyway."""
    import json

    from alerts.models import Delivery, Event
    from alerts.services.delivery import delivery_attempt
    from alerts.services.dispatch import event_dispatch
    from alerts.services.subscriptions import subscription_create
    from cases.models import Detainee
    from cases.services.detainees import detainee_create
    from cases.services.status_changes import status_change_record

    token = token_issue(user=officer)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for field, value in (("full_name", "Ilya\r\nBcc: someone@elsewhere.invalid"), ("abduction_place", "Be'eri\x00")):
        body = {"full_name": "Ilya Gromov", field: value}
        refused = client.post("/api/v1/detainees/", data=json.dumps(body), content_type="application/json", **auth)
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == field
    variant = {"full_name": "Ilya Gromov", "name_variants": [{"name": "Илья\nГромов", "script": "Cyrl"}]}
    assert (
        client.post("/api/v1/detainees/", data=json.dumps(variant), content_type="application/json", **auth).status_code
        == 400
    )

    # A name that came in before the rule (written straight to the database): its email still goes.
    analyst.email = "analyst@cell.example"
    analyst.save(update_fields=["email"])
    person = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"])
    subscription_create(user=analyst, kind="detainee", value=str(person.pk), by_email=True, in_app=False)
    Detainee.objects.filter(pk=person.pk).update(full_name="Ilya\r\nGromov")
    status_change_record(detainee_id=person.pk, to_status="held", source="Video", actor=officer)
    event = Event.objects.get(detainee=person, type="detainee.status_changed")
    for delivery_id in event_dispatch(event_seq=event.seq):
        delivery_attempt(delivery_id=delivery_id)
    assert Delivery.objects.get(event=event, user=analyst).status == "delivered"
    (mail,) = mailoutbox  # its headers were built: a line break in one raises
    assert "\n" not in mail.message()["Subject"] and "Ilya Gromov" in mail.subject
