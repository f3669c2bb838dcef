"""`make run`'s script boots the app on the embedded SQLite default, with no PostgreSQL or Redis."""

import os
import re
import signal
import subprocess

import pytest

from tests.http import Browserless
from tests.processes import ROOT, free_port, subprocess_env, wait_for_port


@pytest.mark.slow
def test_make_run_script_serves_the_demo_on_sqlite(tmp_path):
    port = free_port()
    env = subprocess_env(
        DATABASE_URL=None,
        REDIS_URL=None,
        SECRET_KEY=None,
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="hostage_tracker.settings",
        VAR_DIR=str(tmp_path),
        PORT=str(port),
    )
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "run-demo")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_port(port, timeout=180)
        assert (tmp_path / "hostage_tracker.sqlite3").exists()
        web = Browserless(f"http://127.0.0.1:{port}")
        status, health = web.json("/healthz")
        assert status == 200
        assert health == {
            "status": "ok",
            "checks": {"database": "ok", "broker": "in-process", "worker": "in-process"},
        }
        status, page, _ = web.get("/")
        assert "Sign in" in page  # anonymous users see the login page only
        status, page, _ = web.login("officer", "demo-officer-pass")
        assert status == 200
        assert re.search(r"230 cases on record", page), page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "officer / demo-officer-pass" in output
    assert "embedded SQLite" in output
