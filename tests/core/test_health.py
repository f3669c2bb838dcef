"""/healthz: open to anyone, says how the database, the broker and the workers are, and nothing personal."""

import os
import signal

import pytest

from core.health import WORKER_HEARTBEAT_KEY, redis_client
from tests.http import Browserless
from tests.processes import free_port, gunicorn, subprocess_env, wait_for_port
from tests.stack import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_redis_client():
    redis_client.cache_clear()
    yield
    redis_client.cache_clear()


def test_anonymous_gets_json_without_personal_data(client, redis_conn):
    redis_conn.delete(WORKER_HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "checks"}
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"
    # No worker is running: the service is degraded, not down.
    assert body["checks"]["worker"] == "down"
    assert body["status"] == "degraded"


def test_broker_down_is_degraded_not_an_outage(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "down", "worker": "unknown"},
    }


@pytest.mark.django_db(transaction=True)
def test_degraded_while_no_worker_heartbeat_is_fresh_and_ok_again_once_it_is(client, alert_stack):
    ok = {"status": "ok", "checks": {"database": "ok", "broker": "ok", "worker": "ok"}}
    degraded = {"status": "degraded", "checks": {"database": "ok", "broker": "ok", "worker": "down"}}
    worker = alert_stack.worker()
    wait_until(lambda: client.get("/healthz").json() == ok, what="ok with a worker running")
    worker.kill()
    wait_until(lambda: client.get("/healthz").json() == degraded, what="degraded once the heartbeat is stale")
    assert client.get("/healthz").status_code == 200
    alert_stack.worker(name="replacement")
    wait_until(lambda: client.get("/healthz").json() == ok, what="ok again with a new worker")


def test_database_unreachable_is_503():
    port = free_port()
    env = subprocess_env(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        DJANGO_SETTINGS_MODULE="hostage_tracker.test_settings",
    )
    server = gunicorn(env, port)
    try:
        wait_for_port(port)
        status, body = Browserless(f"http://127.0.0.1:{port}").json("/healthz")
        assert status == 503
        assert body["status"] == "down"
        assert body["checks"]["database"] == "down"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
