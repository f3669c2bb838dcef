"""Real infrastructure the alert tests start and stop themselves: a Redis broker and Celery workers.

The tests own this Redis (on a free port), so they can stop it to provoke a broker outage without
touching the machine's own Redis.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis as redis_lib

from tests.conftest import ROOT, free_port, subprocess_env, wait_for_port

# Short waits so the fault tests run in seconds; the real schedule is tested on its own.
FAST_ALERTS = {
    "WEBHOOK_TIMEOUT": "2",
    "DELIVERY_LEASE_SECONDS": "4",
    "WEBHOOK_RETRY_SCHEDULE": "0.5,0.5,0.5",
    "ALERT_SWEEP_SECONDS": "0.5",
    "ALERT_SWEEP_GRACE_SECONDS": "0.5",
}


class Broker:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc = None

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the alert tests (apt-get install redis-server)"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def flush(self):
        redis_lib.Redis.from_url(self.url).flushall()


class Worker:
    """A Celery worker process (threads pool, with the sweep's beat embedded) on the test database."""

    def __init__(self, *, broker: Broker, database_url: str, extra_env: dict[str, str], logdir: Path):
        self.env = subprocess_env(
            **{
                "DATABASE_URL": database_url,
                "REDIS_URL": broker.url,
                "DJANGO_SETTINGS_MODULE": "hostage_tracker.test_settings",
                **FAST_ALERTS,
                **extra_env,
            }
        )
        self.logdir = logdir
        self.proc = None

    def start(self):
        log = open(self.logdir / f"worker-{time.time_ns()}.log", "w")  # noqa: SIM115 - closed with the process
        schedule = self.logdir / f"beat-{time.time_ns()}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "hostage_tracker",
                "worker",
                "--beat",
                "--pool=threads",
                "--concurrency=4",
                "--loglevel=INFO",
                "-s",
                str(schedule),
                "-n",
                f"test{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log_path = log.name
        return self

    def kill(self):
        """Kill -9: the way a worker dies when its machine does, with no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return Path(self.log_path).read_text()
