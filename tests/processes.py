"""Child processes of the app for the tests: free ports, their environment, manage.py, and the test
database's URL; and pointing this process's Celery producer at a broker."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


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


def child_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_ copy), for child processes."""
    from django.db import connection

    return settings.DATABASE_URL.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]


def point_celery_at(url: str) -> None:
    """Make this test process send tasks to `url`, with no connection or producer kept from before.

    kombu keeps producer pools in a process-wide registry keyed by broker URL; one closed while its
    broker was down answers "Acquire on closed pool" to every later send. So every pool is dropped,
    and the next send opens fresh connections.
    """
    from kombu import pools

    from hostage_tracker.celery import app

    pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app.conf.broker_url = url


def gunicorn(env: dict[str, str], port: int, *, output: bool = False) -> subprocess.Popen:
    """The app under gunicorn (one worker) on 127.0.0.1:`port`, in its own process group; with
    `output`, its stdout and stderr are kept (as text) for the test to read."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hostage_tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
        text=output,
        start_new_session=True,
    )
