import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_lib
from django.conf import settings

from cases.choices import Role
from cases.services.users import user_provision

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def subprocess_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a child process of the app (manage.py, a worker), with overrides; None unsets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "hostage_tracker.settings")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def roles(django_db_blocker):
    """The role groups. A migration creates them, but a transactional test's flush removes them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from cases.roles import sync_role_permissions

    if Group.objects.filter(name__in=Role.values).count() != len(Role.values):
        sync_role_permissions(apps)


@pytest.fixture
def make_user(db, roles):
    def make(role: str, username: str | None = None):
        user, _ = user_provision(username=username or role, role=role, password=PASSWORD)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def analyst(make_user):
    return make_user(Role.ANALYST)


@pytest.fixture
def redis_conn():
    return redis_lib.Redis.from_url(settings.REDIS_URL)


@pytest.fixture
def celery_worker_process(redis_conn):
    """A real Celery worker process on the test broker and the test database."""
    from django.db import connection

    env = subprocess_env(
        DATABASE_URL=settings.DATABASE_URL.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        DJANGO_SETTINGS_MODULE="hostage_tracker.test_settings",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hostage_tracker", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def point_celery_at(url: str) -> None:
    """Make this test process send tasks to `url` (the broker the alert tests own)."""
    from hostage_tracker.celery import app

    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    from tests.stack import Broker

    broker = Broker(tmp_path_factory.mktemp("broker")).start()
    yield broker
    broker.stop()


@pytest.fixture
def alert_stack(broker, transactional_db, tmp_path, settings):
    """A clean broker this test owns, with this process sending to it, and a way to start real workers.

    Workers are stopped before the test's database is flushed.
    """
    from django.db import connection

    from tests.stack import Worker

    if broker.proc is None:
        broker.start()
    broker.flush()
    point_celery_at(broker.url)
    settings.REDIS_URL = broker.url
    database_url = settings.DATABASE_URL.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    workers = []

    def start_worker(**extra_env) -> "Worker":
        worker = Worker(broker=broker, database_url=database_url, extra_env=extra_env, logdir=tmp_path).start()
        workers.append(worker)
        return worker

    yield start_worker
    for worker in workers:
        worker.stop()
    if broker.proc is None:
        broker.start()
    point_celery_at(settings.CELERY_BROKER_URL)


@pytest.fixture
def smtp_sink():
    from tests.receivers import SmtpSink

    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()
