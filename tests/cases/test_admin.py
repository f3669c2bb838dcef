"""The Django admin: admins manage every record; the status history is read-only; others stay out."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.demo.seed import demo_seed
from cases.models import Detainee, NegotiationChannel, StatusChange
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


@pytest.fixture
def scenario():
    demo_seed(detainees=230, seed=1)


def listed_refs(response) -> set[str]:
    return {d.case_ref for d in response.context["cl"].result_list}


def test_detainee_list_filters_by_citizenship_status_and_channel(admin_client, scenario):
    response = admin_client.get("/admin/cases/detainee/", {"citizenships__country": "RU"})
    assert response.status_code == 200
    expected = set(Detainee.objects.filter(citizenships__country="RU").values_list("case_ref", flat=True))
    assert listed_refs(response) == expected and len(expected) == 8

    response = admin_client.get("/admin/cases/detainee/", {"status__exact": "released"})
    assert response.context["cl"].result_count == Detainee.objects.filter(status="released").count() > 50
    assert {d.status for d in response.context["cl"].result_list} == {"released"}

    moscow = NegotiationChannel.objects.get(mediator_country="RU")
    response = admin_client.get("/admin/cases/detainee/", {"channels__id__exact": str(moscow.id)})
    assert listed_refs(response) == expected


def test_detainee_list_searches_names_in_any_script(admin_client, scenario):
    someone = Detainee.objects.filter(citizenships__country="RU").first()
    cyrillic = someone.name_variants.get(script="Cyrl").name
    response = admin_client.get("/admin/cases/detainee/", {"q": cyrillic})
    assert someone.case_ref in listed_refs(response)


def test_detainee_list_query_count_does_not_grow_with_rows(admin_client):
    demo_seed(detainees=10, seed=3)
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/cases/detainee/")
    demo_seed(detainees=60, seed=3)
    with CaptureQueriesContext(connection) as many:
        assert len(admin_client.get("/admin/cases/detainee/").context["cl"].result_list) == 50
    assert len(many) == len(few)


def inline_management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_creates_a_detainee_with_citizenships_and_name_variants_inline(admin_client, admin_user):
    data = {
        "full_name": "Yelena Gromova",
        "sex": "female",
        "abduction_place": "Kibbutz Ein Hadar",
        "notes": "",
        **inline_management("citizenships", 2),
        "citizenships-0-country": "IL",
        "citizenships-0-source": "Population registry record",
        "citizenships-1-country": "RU",
        "citizenships-1-source": "Russian MFA list",
        **inline_management("name_variants", 1),
        "name_variants-0-name": "Елена Громова",
        "name_variants-0-script": "Cyrl",
        **inline_management("channel_memberships"),
        **inline_management("status_changes"),
    }
    response = admin_client.post("/admin/cases/detainee/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    detainee = Detainee.objects.get(full_name="Yelena Gromova")
    assert detainee.case_ref.startswith("HC-")
    assert detainee.status == "missing" and detainee.version == 1
    assert detainee.created_by == admin_user
    assert detainee.citizenship_codes == ["IL", "RU"]
    assert "elena gromova" in detainee.search_names
    assert detainee.history.first().history_user == admin_user


def test_status_history_is_read_only_in_the_admin(admin_client, scenario):
    change = StatusChange.objects.first()
    assert admin_client.get("/admin/cases/statuschange/").status_code == 200
    page = admin_client.get(f"/admin/cases/statuschange/{change.pk}/change/")
    assert page.status_code == 200 and b'name="to_status"' not in page.content
    assert admin_client.post(f"/admin/cases/statuschange/{change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StatusChange.objects.filter(pk=change.pk).exists()


def test_admin_cannot_edit_the_status_directly(admin_client, scenario):
    detainee = Detainee.objects.filter(status="held").first()
    page = admin_client.get(f"/admin/cases/detainee/{detainee.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_officers_and_analysts_are_kept_out_of_the_admin(client, make_user, role):
    user = make_user(role)
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/admin/cases/detainee/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_users_see_only_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def status_change_form(detainee, **overrides) -> dict:
    data = {
        "detainee": str(detainee.pk),
        "to_status": "held",
        "occurred_at_0": "2026-11-01",
        "occurred_at_1": "10:00:00",
        "confidence": "reported",
        "source": "Family liaison",
        "source_url": "",
        "channel": "",
        "note": "",
        "correction_reason": "",
    }
    data.update(overrides)
    return data


def test_admin_records_a_status_change_through_the_lifecycle_rules(admin_client):
    from cases.services.detainees import detainee_create

    detainee = detainee_create(full_name="Roni Dagan", actor=None, abducted_at=datetime(2023, 10, 7, 4, tzinfo=UTC))
    response = admin_client.post(
        "/admin/cases/statuschange/add/", status_change_form(detainee, to_status="remains_returned")
    )
    assert response.status_code == 200
    assert "allowed next statuses are: held, release_pending" in response.content.decode()
    assert not detainee.status_changes.exists()

    response = admin_client.post("/admin/cases/statuschange/add/", status_change_form(detainee))
    assert response.status_code == 302, response.context["adminform"].form.errors
    detainee.refresh_from_db()
    assert detainee.status == "held" and detainee.version == 2
    assert detainee.status_changes.get().recorded_by.username == "admin"


def test_admins_see_dead_deliveries_and_retry_them(admin_client, settings):
    from django.utils import timezone

    from alerts.models import Delivery, Event
    from cases.services.detainees import detainee_create
    from partners.services.partners import partner_ensure, webhook_endpoint_create

    settings.WEBHOOK_ALLOW_LOCAL = True
    partner, _ = partner_ensure(name="Desk", nationalities=["RU"])
    endpoint = webhook_endpoint_create(partner=partner, url="http://127.0.0.1:9/")
    detainee = detainee_create(full_name="Anna Rybkina", actor=None, citizenships=["RU"])
    event = Event.objects.get(detainee=detainee)
    dead = Delivery.objects.create(
        event=event,
        kind="webhook",
        endpoint=endpoint,
        status="dead",
        attempts=10,
        next_attempt_at=timezone.now(),
        last_error="HTTP 500",
    )
    page = admin_client.get("/admin/alerts/delivery/", {"status__exact": "dead"})
    assert page.status_code == 200 and "HTTP 500" in page.content.decode()
    response = admin_client.post("/admin/alerts/delivery/", {"action": "retry", "_selected_action": [dead.pk]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)


def test_officers_cannot_retry_deliveries(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    assert client.get("/admin/alerts/delivery/").status_code == 302


def test_the_admin_refuses_dates_that_cannot_be_true(admin_client):
    data = {
        "full_name": "Ayelet Kedem",
        "sex": "female",
        "abducted_at_0": "2090-01-01",
        "abducted_at_1": "00:00:00",
        **inline_management("citizenships"),
        **inline_management("name_variants"),
        **inline_management("channel_memberships"),
        **inline_management("status_changes"),
    }
    response = admin_client.post("/admin/cases/detainee/add/", data)
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Detainee.objects.filter(full_name="Ayelet Kedem").exists()


# --- every admin write goes through the services (each of these failed before) -----------------------


def detainee_change_form(detainee, **overrides) -> dict:
    data = {
        "full_name": detainee.full_name,
        "sex": detainee.sex,
        "abduction_place": detainee.abduction_place,
        "notes": detainee.notes,
        "loaded_version": str(detainee.version),
        **inline_management("citizenships"),
        **inline_management("name_variants"),
        **inline_management("channel_memberships"),
        **inline_management("status_changes"),
    }
    return data | overrides


def channel_change_form(channel, **overrides) -> dict:
    data = {
        "name": channel.name,
        "mediator": channel.mediator,
        "mediator_country": channel.mediator_country or "",
        "counterpart": channel.counterpart,
        "place": channel.place,
        "status": channel.status,
        "notes": channel.notes,
        "loaded_version": str(channel.version),
        **inline_management("memberships"),
    }
    return data | overrides


@pytest.fixture
def moscow_channel():
    from cases.services.channels import channel_create
    from cases.services.detainees import detainee_create

    member = detainee_create(full_name="Pavel Orlov", actor=None, citizenships=["RU", "IL"])
    return channel_create(
        actor=None, name="Moscow talks", mediator="Russia", counterpart="Hamas", members=[(member.pk, "requested")]
    )


def test_an_admin_edit_of_a_channel_changes_what_a_polling_partner_gets(client, admin_client, moscow_channel):
    from partners.services.partners import partner_ensure
    from partners.services.tokens import token_issue
    from tests.api_helpers import bearer

    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token = token_issue(partner=partner)[1]
    url = f"/api/v1/channels/{moscow_channel.pk}/"
    etag = client.get(url, **bearer(token))["ETag"]

    page = admin_client.get(f"/admin/cases/negotiationchannel/{moscow_channel.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/admin/cases/negotiationchannel/{moscow_channel.pk}/change/",
        channel_change_form(moscow_channel, status="paused"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    moscow_channel.refresh_from_db()
    assert moscow_channel.version == 2
    polled = client.get(url, HTTP_IF_NONE_MATCH=etag, **bearer(token))
    assert polled.status_code == 200 and polled.json()["status"] == "paused"


def test_a_channel_log_entry_added_in_the_admin_cannot_be_dated_in_the_future(admin_client, moscow_channel):
    from cases.models import ChannelEvent

    data = {
        "channel": str(moscow_channel.pk),
        "kind": "meeting",
        "occurred_at_0": "2090-01-01",
        "occurred_at_1": "10:00:00",
        "summary": "Talks in Moscow",
        "source": "MFA statement",
        "source_url": "",
    }
    response = admin_client.post("/admin/cases/channelevent/add/", data)
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()
    assert not ChannelEvent.objects.exists()

    response = admin_client.post("/admin/cases/channelevent/add/", data | {"occurred_at_0": "2023-10-26"})
    assert response.status_code == 302
    moscow_channel.refresh_from_db()
    assert moscow_channel.version == 2  # the log is part of the channel: a partner's ETag moves


def test_a_stale_admin_form_does_not_overwrite_a_newer_edit(admin_client):
    from cases.services.detainees import detainee_create, detainee_update

    detainee = detainee_create(full_name="Tamar Zohar", actor=None, abduction_place="Kfar Aza")
    stale_form = detainee_change_form(detainee, abduction_place="Kfar Aza, west")
    detainee_update(detainee_id=detainee.pk, actor=None, abduction_place="Nir Oz")  # made in the app meanwhile

    response = admin_client.post(f"/admin/cases/detainee/{detainee.pk}/change/", stale_form)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    detainee.refresh_from_db()
    assert (detainee.abduction_place, detainee.version) == ("Nir Oz", 2)

    fresh = detainee_change_form(detainee, abduction_place="Nir Oz, north")
    assert admin_client.post(f"/admin/cases/detainee/{detainee.pk}/change/", fresh).status_code == 302
    detainee.refresh_from_db()
    assert (detainee.abduction_place, detainee.version) == ("Nir Oz, north", 3)


def test_retrying_a_dead_delivery_in_the_admin_works_with_the_broker_down(
    admin_client, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from alerts.models import Delivery, Event
    from cases.services.detainees import detainee_create
    from partners.services.partners import partner_ensure, webhook_endpoint_create
    from tests.processes import point_celery_at

    settings.WEBHOOK_ALLOW_LOCAL = True
    partner, _ = partner_ensure(name="Desk", nationalities=["RU"])
    endpoint = webhook_endpoint_create(partner=partner, url="http://127.0.0.1:9/")
    detainee = detainee_create(full_name="Anna Rybkina", actor=None, citizenships=["RU"])
    dead = Delivery.objects.create(
        event=Event.objects.get(detainee=detainee),
        kind="webhook",
        endpoint=endpoint,
        status="dead",
        attempts=10,
        next_attempt_at=timezone.now(),
    )
    point_celery_at("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/admin/alerts/delivery/", {"action": "retry", "_selected_action": [dead.pk]})
    finally:
        point_celery_at(settings.CELERY_BROKER_URL)
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == "pending"  # the sweep hands it out once the broker is back


def test_the_admin_registers_webhooks_by_the_same_url_rules_and_shows_the_secret_once(admin_client, settings):
    from partners.models import WebhookEndpoint
    from partners.services.partners import partner_ensure

    settings.WEBHOOK_ALLOW_LOCAL = False
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    form = {"partner": str(partner.pk), "is_active": "on"}
    for url in ("http://169.254.169.254/latest/meta-data/", "https://127.0.0.1:6391/"):
        response = admin_client.post("/admin/partners/webhookendpoint/add/", form | {"url": url})
        assert response.status_code == 200, url
        assert response.context["adminform"].form.errors["url"], url
    assert not WebhookEndpoint.objects.exists()

    response = admin_client.post(
        "/admin/partners/webhookendpoint/add/", form | {"url": "https://93.184.215.14/hook"}, follow=True
    )
    (endpoint,) = WebhookEndpoint.objects.all()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()


def test_a_death_recorded_in_the_admin_awaits_a_second_officer(admin_client):
    from cases.services.detainees import detainee_create

    detainee = detainee_create(full_name="Roni Dagan", actor=None, abducted_at=datetime(2023, 10, 7, 4, tzinfo=UTC))
    assert admin_client.post("/admin/cases/statuschange/add/", status_change_form(detainee)).status_code == 302

    response = admin_client.post(
        "/admin/cases/statuschange/add/",
        status_change_form(detainee, to_status="deceased", occurred_at_0="2026-11-02"),
        follow=True,
    )
    assert response.status_code == 200
    proposal = detainee.pending_status_changes.get()
    assert response.redirect_chain[-1][0] == f"/admin/cases/pendingstatuschange/{proposal.pk}/change/"
    assert "awaits confirmation by a second officer" in response.content.decode()
    detainee.refresh_from_db()
    assert detainee.status == "held" and detainee.status_changes.count() == 1


def test_the_facts_under_uncertainty_are_listed_in_the_admin_and_read_only(admin_client, officer):
    from cases.services.family_notifications import family_notification_record

    demo_seed(detainees=60, seed=1)  # its facts: proposals, claims, proofs of life, groups, a withheld death
    withheld = Detainee.objects.get(withholding=True)
    family_notification_record(detainee_id=withheld.pk, informed_at=None, method="in_person", actor=officer)
    for model in ["pendingstatuschange", "familynotification", "claim", "proofoflife", "captivitygroup"]:
        response = admin_client.get(f"/admin/cases/{model}/")
        assert response.status_code == 200, model
        assert response.context["cl"].result_count > 0, model
        assert admin_client.get(f"/admin/cases/{model}/add/").status_code == 403, model
        obj = response.context["cl"].result_list[0]
        page = admin_client.get(f"/admin/cases/{model}/{obj.pk}/change/")
        assert page.status_code == 200 and b'type="submit"' not in page.content.split(b'id="content-main"')[1], model


def test_the_history_cannot_be_reverted_from_the_admin(admin_client, officer):
    """Probing found the admin's history 'Revert' set a held detainee back to missing with no status
    change and its version unchanged (the history stopped chaining; old ETags matched again); the
    same for channels. The history is to read."""
    from cases.services.channels import channel_create
    from cases.services.detainees import detainee_create
    from cases.services.status_changes import status_change_record

    detainee = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"])
    status_change_record(detainee_id=detainee.pk, to_status="held", source="Video", actor=officer)
    detainee.refresh_from_db()
    first = detainee.history.order_by("history_id").first()
    url = f"/admin/cases/detainee/{detainee.pk}/history/{first.history_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    fields = {"full_name": "Ilya Gromov", "sex": "unknown", "citizenships-TOTAL_FORMS": "0"}
    assert admin_client.post(url, fields).status_code == 403
    after = type(detainee).objects.get(pk=detainee.pk)
    assert (after.status, after.version) == ("held", detainee.version)
    channel = channel_create(actor=officer, name="Cairo track", mediator="Egypt", counterpart="Hamas")
    first = channel.history.order_by("history_id").first()
    revert = admin_client.post(f"/admin/cases/negotiationchannel/{channel.pk}/history/{first.history_id}/")
    assert revert.status_code == 403
