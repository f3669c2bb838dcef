"""The app under gunicorn for the partner-side measurements, and a partner token to call it with."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As the Dockerfile runs it, with one worker more: the load test's 55 clients share 2 cores.
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
PARTNER_NAME = "Bench partner (RU)"
PARTNER_SCOPE = ["RU"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {timeout:.0f} s")


@contextlib.contextmanager
def gunicorn(workers: int = GUNICORN_WORKERS):
    """Yield the base URL of the app (with bench/urls.py's comparison views) under gunicorn."""
    from django.core.management import call_command

    # With DEBUG off the app refuses to start without its collected static files.
    call_command("collectstatic", interactive=False, verbosity=0)
    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hostage_tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def partner_token(name: str = PARTNER_NAME, scope: list[str] = PARTNER_SCOPE) -> str:
    """A fresh token of the bench partner (scoped to `scope`)."""
    from partners.services.partners import partner_ensure
    from partners.services.tokens import token_issue

    partner, _ = partner_ensure(name=name, nationalities=scope)
    return token_issue(partner=partner, name="bench")[1]


def officer_token(username: str) -> str:
    """A personal token of an officer (created if need be)."""
    from core.choices import Role
    from core.services import user_provision
    from partners.services.tokens import token_issue

    user, _ = user_provision(username=username, role=Role.OFFICER, password=None)
    return token_issue(user=user, name="bench")[1]
