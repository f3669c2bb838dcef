import os
import sys
from pathlib import Path

import pytest
import redis as redis_lib
from django.conf import settings

from core.choices import Role
from core.services import user_provision
from tests.factories import PASSWORD
from tests.processes import child_database_url, free_port, point_celery_at, subprocess_env


@pytest.fixture
def roles(django_db_blocker):
    """The role groups. A migration creates them, but a transactional test's flush removes them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from core.roles import sync_role_permissions

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


@pytest.fixture(scope="session", autouse=True)
def suite_owns_its_redis_db():
    """The suite's Redis database starts and ends empty: no message from an earlier run is consumed
    by this run's workers (against a fresh database whose ids start at 1 again)."""
    client = redis_lib.Redis.from_url(os.environ.get("REDIS_URL") or settings.REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


@pytest.fixture(autouse=True)
def feed_epoch(request):
    """The feed offset of this cluster, as `migrate` leaves it: a transactional test's flush empties
    every table, and without the row the first writers of the next test would wait on each other."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if not (transactional or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from alerts.apps import feed_epoch_ensure

    feed_epoch_ensure(apps.get_app_config("alerts"))


@pytest.fixture
def redis_conn():
    return redis_lib.Redis.from_url(settings.REDIS_URL)


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    from tests.stack import Broker

    broker = Broker(tmp_path_factory.mktemp("broker")).start()
    yield broker
    broker.stop()


class AlertStack:
    """The processes one test starts on its own broker: workers and beats, all reaped at its end."""

    def __init__(self, broker, logdir: Path):
        self.broker = broker
        self.logdir = logdir
        self.processes = []
        self.database_url = child_database_url()

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        from tests.stack import FAST_ALERTS

        return subprocess_env(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.broker.url,
            DJANGO_SETTINGS_MODULE="hostage_tracker.test_settings",
            **(FAST_ALERTS | extra),
        )

    def worker(
        self,
        *,
        beat: bool = True,
        pool: str = "threads",
        name: str = "worker",
        wait: bool = True,
        args: tuple[str, ...] = (),
        **extra_env,
    ):
        from tests.stack import Worker

        env = self.env(extra_env)
        worker = Worker(beat=beat, pool=pool, args=args, broker=self.broker, env=env, logdir=self.logdir, name=name)
        self.processes.append(worker.start())
        return worker.wait_ready() if wait else worker

    def beat(self, *, name: str = "beat", **extra_env):
        from tests.stack import Beat

        beat = Beat(broker=self.broker, env=self.env(extra_env), logdir=self.logdir, name=name)
        self.processes.append(beat.start())
        return beat.wait_ready()

    def __call__(self, **extra_env):
        return self.worker(**extra_env)

    def stop_all(self):
        for process in self.processes:
            process.stop()

    def logs(self, tail: int = 6000) -> str:
        """What each process printed (its end), for a failed test's report."""
        return "\n".join(f"----- {p.role} {p.name} -----\n{p.log()[-tail:]}" for p in self.processes)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def alert_stack(request, broker, transactional_db, tmp_path, settings):
    """A clean broker this test owns, with this process sending to it, and a way to start real workers
    and beats. Every process is stopped and reaped before the test's database is flushed; when the test
    failed, their logs go into its report."""
    if broker.proc is None:
        broker.start()
    broker.flush()
    point_celery_at(broker.url)
    settings.REDIS_URL = broker.url
    stack = AlertStack(broker, tmp_path)
    yield stack
    stack.stop_all()
    if getattr(request.node, "call_failed", False):
        print(stack.logs(), file=sys.stderr)
    stack.processes = []
    if broker.proc is None:
        broker.start()
    broker.flush()
    point_celery_at(settings.CELERY_BROKER_URL)


@pytest.fixture
def celery_worker_process(alert_stack):
    """One real Celery worker process (with its beat) on a broker of the test's own."""
    return alert_stack.worker()


@pytest.fixture
def smtp_sink():
    from harness.receivers import SmtpSink

    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()
