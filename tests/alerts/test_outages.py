"""Alerts through a broker outage and through the loss of a machine, with the real processes running.

Redis is stopped under a running worker and beat while deliveries are in flight (the way it happens
in production, not before the worker starts), and comes back; two "machines" each run a worker and
a beat against one database and one broker, and one machine's processes are killed. Every event
must still reach every endpoint, under one webhook-id, with each delivery claimed once at a time.
"""

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, DeliveryAttempt, Event
from cases.choices import Status
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from harness.receivers import Reply, WebhookReceiver
from partners.services.partners import partner_ensure, webhook_endpoint_create
from tests.stack import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)
# The promise: everything committed before, during and after an outage arrives this soon after Redis
# is back: a worker's reconnect (up to 30 s apart), a sweep (5 s) and 25 deliveries to a receiver that
# takes 0.5 s each. Bounded generously, since the machine may be busy: a fresh-clone run with two
# CPU-bound processes beside it took longer than 60 s once.
AFTER_RETURN = 120.0


@pytest.fixture
def receivers(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with WebhookReceiver(default=Reply(200, delay=0.5)) as first, WebhookReceiver(default=Reply(200)) as second:
        yield first, second


@pytest.fixture
def partner_endpoints(receivers):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return [webhook_endpoint_create(partner=partner, url=r.url) for r in receivers]


def new_case(n: int):
    return detainee_create(full_name=f"Test Person {n}", actor=None, citizenships=["RU"], abducted_at=ABDUCTED)


def hold(detainee):
    status_change_record(detainee_id=detainee.pk, to_status=Status.HELD, source="Statement", actor=None)


def event_ids() -> set[str]:
    return {str(i) for i in Event.objects.values_list("id", flat=True)}


def received_ids(receiver) -> set[str]:
    with receiver.lock:
        return {r.headers["webhook-id"] for r in receiver.received}


def assert_claimed_once_at_a_time():
    """No two attempts of one delivery overlapped: a lease is held by one process at a time."""
    for delivery in Delivery.objects.prefetch_related("attempt_log"):
        attempts = sorted(delivery.attempt_log.all(), key=lambda a: a.started_at)
        for before, after in itertools.pairwise(attempts):
            assert before.started_at + timedelta(milliseconds=before.duration_ms) <= after.started_at, delivery.pk


@pytest.mark.parametrize("outage", ["shutdown-nosave", "sigkill"])
def test_a_running_worker_and_beat_deliver_everything_after_redis_restarts(
    alert_stack, broker, receivers, partner_endpoints, outage
):
    worker = alert_stack.worker(beat=False, pool="prefork")  # as docker-compose and `make run` run it
    beat = alert_stack.beat()
    slow, fast = receivers
    cases = [new_case(n) for n in range(8)]
    for detainee in cases:
        hold(detainee)
    # Deliveries are in flight (the slow receiver takes 0.5 s a request) when Redis goes.
    wait_until(lambda: received_ids(slow), what="the first delivery to arrive")
    broker.shutdown_nosave() if outage == "shutdown-nosave" else broker.kill()

    during = [new_case(n) for n in range(10, 13)]  # the request path still commits
    time.sleep(6)
    broker.start()
    returned = time.monotonic()
    for detainee in [*during, new_case(20)]:
        hold(detainee)

    owed = event_ids()
    assert len(owed) == 8 * 2 + 3 * 2 + 1 + 1
    wait_until(
        lambda: owed <= received_ids(slow) and owed <= received_ids(fast),
        timeout=AFTER_RETURN,
        what=f"every event at both endpoints within {AFTER_RETURN:.0f} s of Redis' return",
    )
    assert time.monotonic() - returned < AFTER_RETURN
    assert worker.alive(), f"the worker died:\n{worker.log()[-4000:]}"
    assert beat.alive(), f"beat died:\n{beat.log()[-4000:]}"
    wait_until(lambda: not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(), what="all delivered")
    assert_claimed_once_at_a_time()


def test_two_machines_deliver_everything_once_and_survive_losing_one(alert_stack, receivers, partner_endpoints):
    machine_a = [alert_stack.worker(beat=False, pool="prefork", name="a"), alert_stack.beat(name="a")]
    machine_b = [alert_stack.worker(beat=False, pool="prefork", name="b"), alert_stack.beat(name="b")]
    slow, fast = receivers
    cases = [new_case(n) for n in range(8)]
    for detainee in cases[:4]:
        hold(detainee)
    wait_until(lambda: received_ids(slow), what="the first delivery to arrive")
    for process in machine_a:  # machine A is lost, mid-delivery
        process.kill()
    for detainee in cases[4:]:
        hold(detainee)

    owed = event_ids()
    assert len(owed) == 8 * 2
    wait_until(lambda: owed <= received_ids(slow) and owed <= received_ids(fast), what="every event at both endpoints")
    assert all(p.alive() for p in machine_b)
    wait_until(lambda: not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(), what="all delivered")
    # One delivery per event and endpoint, each with the event's id as its webhook-id.
    assert Delivery.objects.count() == len(owed) * 2
    for receiver in receivers:
        with receiver.lock:
            ids = [r.headers["webhook-id"] for r in receiver.received]
        assert set(ids) == owed
        # A repeat is possible only for a request in flight when machine A died.
        assert len(ids) - len(set(ids)) <= 4
    assert_claimed_once_at_a_time()
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == Delivery.objects.count()
