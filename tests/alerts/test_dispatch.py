"""Fan-out of events to subscribers and partner webhooks (in-process), the retry schedule, URL safety."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from alerts.choices import EventType
from alerts.models import Delivery, Event, Notification, Subscription
from alerts.services.delivery import retry_delay
from alerts.services.dispatch import event_dispatch
from alerts.transports import parse_retry_after
from cases.choices import ChannelRole, ChannelStatus, Status
from cases.models import ChannelMembership, NegotiationChannel
from cases.services.channels import channel_record_edit
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from core.access import partner_scope
from partners.models import Partner
from partners.services.partners import partner_ensure, webhook_endpoint_create
from partners.webhook_urls import webhook_url_check

pytestmark = pytest.mark.django_db
ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


@pytest.fixture
def people():
    return {
        "ru_il": detainee_create(
            full_name="Irina Voronina", actor=None, citizenships=["IL", "RU"], abducted_at=ABDUCTED
        ),
        "il": detainee_create(full_name="Noam Sela", actor=None, citizenships=["IL"], abducted_at=ABDUCTED),
        "th": detainee_create(full_name="Anan Srisuk", actor=None, citizenships=["TH"], abducted_at=ABDUCTED),
    }


@pytest.fixture
def endpoints(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    ru, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    th, _ = partner_ensure(name="Bangkok desk", nationalities=["TH"])
    return {
        "ru": webhook_endpoint_create(partner=ru, url="http://127.0.0.1:9/ru"),
        "th": webhook_endpoint_create(partner=th, url="http://127.0.0.1:9/th"),
    }


def dispatch_latest(type_: str) -> Event:
    event = Event.objects.filter(type=type_).latest("seq")
    event_dispatch(event_seq=event.seq)
    return event


def held(detainee):
    status_change_record(detainee_id=detainee.pk, to_status=Status.HELD, source="Statement", actor=None)
    return dispatch_latest(EventType.DETAINEE_STATUS_CHANGED)


def test_partner_webhooks_only_for_detainees_in_scope(people, endpoints):
    event = held(people["ru_il"])
    assert set(Delivery.objects.filter(event=event).values_list("endpoint", flat=True)) == {endpoints["ru"].id}
    event = held(people["il"])
    assert not Delivery.objects.filter(event=event).exists()
    event = held(people["th"])
    assert set(Delivery.objects.filter(event=event).values_list("endpoint", flat=True)) == {endpoints["th"].id}


def test_inactive_endpoints_and_partners_get_nothing(people, endpoints):
    endpoints["ru"].is_active = False
    endpoints["ru"].save()
    Partner.objects.filter(name="Bangkok desk").update(is_active=False)
    assert not Delivery.objects.filter(event=held(people["ru_il"])).exists()
    assert not Delivery.objects.filter(event=held(people["th"])).exists()


@pytest.mark.parametrize(
    ("kind", "value", "who"),
    [
        ("nationality", "RU", {"ru_il"}),
        ("nationality", "IL", {"ru_il", "il"}),
        ("status", "held", {"ru_il", "il", "th"}),
        ("status", "released", set()),
        ("detainee", "th", {"th"}),
    ],
)
def test_subscriptions_match_by_nationality_status_and_detainee(people, analyst, kind, value, who):
    if kind == "detainee":
        value = str(people[value].pk)
    Subscription.objects.create(user=analyst, kind=kind, value=value, by_email=True, in_app=True)
    analyst.email = "analyst@cell.example"
    analyst.save()
    alerted = set()
    for key, person in people.items():
        event = held(person)
        in_app = Notification.objects.filter(user=analyst, event=event).exists()
        emailed = Delivery.objects.filter(user=analyst, event=event, kind="email").exists()
        assert in_app == emailed
        if in_app:
            alerted.add(key)
    assert alerted == who


def test_channel_subscription_and_channel_events(people, analyst, endpoints):
    channel = NegotiationChannel.objects.create(name="Moscow consultations", mediator="MFA", counterpart="X")
    ChannelMembership.objects.create(channel=channel, detainee=people["ru_il"], role=ChannelRole.REQUESTED)
    Subscription.objects.create(user=analyst, kind="channel", value=str(channel.pk), by_email=False, in_app=True)

    held(people["ru_il"])
    held(people["il"])
    assert Notification.objects.filter(user=analyst).count() == 1

    previous = channel.status
    channel.status = ChannelStatus.PAUSED
    channel.save()
    channel_record_edit(channel=channel, actor=None, previous_status=previous)
    event = dispatch_latest(EventType.CHANNEL_UPDATED)
    assert Notification.objects.get(user=analyst, event=event).summary == "Channel Moscow consultations is now paused"
    # The channel lists an RU detainee, so the RU partner hears of it; the TH partner does not.
    assert set(Delivery.objects.filter(event=event).values_list("endpoint", flat=True)) == {endpoints["ru"].id}


def test_dispatch_is_idempotent(people, endpoints, analyst):
    Subscription.objects.create(user=analyst, kind="nationality", value="RU", by_email=False, in_app=True)
    event = held(people["ru_il"])
    first = set(Delivery.objects.values_list("id", flat=True))
    assert event_dispatch(event_seq=event.seq) == []
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the sweep raced the first dispatch
    event_dispatch(event_seq=event.seq)
    assert set(Delivery.objects.values_list("id", flat=True)) == first
    assert Notification.objects.filter(event=event).count() == 1


def test_retry_schedule_follows_standard_webhooks_then_gives_up(settings):
    schedule = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    assert schedule == settings.WEBHOOK_RETRY_SCHEDULE
    for attempt, expected in enumerate(schedule, start=1):
        delay = retry_delay(attempt)
        assert expected * 0.9 <= delay <= expected * 1.1
    assert sum(schedule) / 86400 > 3  # about three days in all
    assert retry_delay(len(schedule) + 1) is None
    assert retry_delay(1, retry_after=120) == 120  # the receiver's Retry-After is honoured
    assert retry_delay(2, retry_after=10) >= 270  # but never sooner than the schedule


def test_retry_after_parsing():
    assert parse_retry_after("30") == 30
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_webhook_urls_must_be_https_to_a_public_address(settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    webhook_url_check("https://93.184.216.34/hooks")
    for url in (
        "http://93.184.216.34/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://user:pw@93.184.216.34/",
        "ftp://93.184.216.34/",
    ):
        with pytest.raises(ValidationError):
            webhook_url_check(url)
    settings.WEBHOOK_ALLOW_LOCAL = True
    webhook_url_check("http://127.0.0.1:8080/hooks")


def test_add_webhook_prints_the_secret_once_on_the_last_line(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    out = StringIO()
    call_command(
        "add_webhook",
        "--partner",
        "Moscow desk",
        "--url",
        "http://127.0.0.1:9/in",
        "--nationalities",
        "ru,IL",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("whsec_") and len(lines[-1]) > 40
    assert sum(lines[-1] in line for line in lines) == 1
    partner = Partner.objects.get(name="Moscow desk")
    assert partner_scope(partner) == ["IL", "RU"]
    assert partner.webhook_endpoints.get().secret == lines[-1]


def test_add_webhook_refuses_unknown_partners_and_unsafe_urls(settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(CommandError, match="No partner named"):
        call_command("add_webhook", "--partner", "Nobody", "--url", "https://93.184.216.34/")
    partner_ensure(name="Desk", nationalities=["US"])
    with pytest.raises(CommandError, match="https"):
        call_command("add_webhook", "--partner", "Desk", "--url", "http://93.184.216.34/")
    with pytest.raises(CommandError, match="public address"):
        call_command("add_webhook", "--partner", "Desk", "--url", "https://127.0.0.1/")
    with pytest.raises(CommandError, match="ISO 3166"):
        call_command("add_webhook", "--partner", "New", "--url", "https://93.184.216.34/", "--nationalities", "XX")


def test_nobody_is_alerted_to_their_own_change(people, officer, analyst):
    for user in (officer, analyst):
        Subscription.objects.create(user=user, kind="nationality", value="RU", by_email=False, in_app=True)
    status_change_record(detainee_id=people["ru_il"].pk, to_status=Status.HELD, source="Statement", actor=officer)
    event = dispatch_latest(EventType.DETAINEE_STATUS_CHANGED)
    assert event.actor == officer
    assert list(Notification.objects.filter(event=event).values_list("user__username", flat=True)) == ["analyst"]


def test_an_edit_of_the_internal_notes_alone_reaches_only_those_who_may_read_notes(people, endpoints, analyst, officer):
    """A partner or an analyst must not even learn that the internal notes changed."""
    from cases.services.detainees import detainee_update

    for user in (analyst, officer):
        Subscription.objects.create(user=user, kind="detainee", value=str(people["ru_il"].pk))
    detainee_update(detainee_id=people["ru_il"].pk, actor=None, notes="Family reached through the consulate.")
    event = dispatch_latest(EventType.DETAINEE_UPDATED)
    assert event.data["changed"] == ["notes"]
    assert not Delivery.objects.filter(event=event, kind="webhook").exists()
    assert list(Notification.objects.filter(event=event).values_list("user__username", flat=True)) == ["officer"]

    detainee_update(detainee_id=people["ru_il"].pk, actor=None, notes="Seen in a video.", abduction_place="Nir Oz")
    event = dispatch_latest(EventType.DETAINEE_UPDATED)
    (delivery,) = Delivery.objects.filter(event=event, kind="webhook")
    assert delivery.endpoint == endpoints["ru"]
    assert Notification.objects.filter(event=event).count() == 2
