"""Real infrastructure the alert tests start and stop themselves: a Redis broker, Celery workers and
beats, each a process of its own.

The tests own this Redis (on a free port), so they can stop it to provoke a broker outage without
touching the machine's own Redis. Every process a test starts is stopped and reaped before the next
test begins, and every wait is for a condition, bounded generously: a loaded machine is slow, not
wrong.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis as redis_lib

from tests.processes import ROOT, free_port, wait_for_port

# Short waits so the fault tests run in seconds; the real schedule is tested on its own.
FAST_ALERTS = {
    "WEBHOOK_TIMEOUT": "2",
    "DELIVERY_LEASE_SECONDS": "4",
    "WEBHOOK_RETRY_SCHEDULE": "0.5,0.5,0.5",
    "ALERT_SWEEP_SECONDS": "0.5",
    "ALERT_SWEEP_GRACE_SECONDS": "0.5",
}
# How long a process may take to come up on a loaded two-core machine.
START_TIMEOUT = 120.0


def wait_until(predicate, timeout: float = 90.0, what: str = "condition", interval: float = 0.1):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds, naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


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
        wait_for_port(self.port, timeout=30)
        wait_until(self._answers, timeout=30, what="the test broker to answer PING")
        return self

    def _answers(self) -> bool:
        try:
            return bool(redis_lib.Redis.from_url(self.url, socket_timeout=2).ping())
        except redis_lib.RedisError:
            return False

    def stop(self):
        """A clean stop (SIGTERM)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc = None

    def shutdown_nosave(self):
        """What an operator types: SHUTDOWN NOSAVE, connections dropped at once."""
        with contextlib.suppress(redis_lib.ConnectionError):  # the server closes the connection as it goes
            redis_lib.Redis.from_url(self.url).shutdown(nosave=True)
        self.proc.wait(timeout=30)
        self.proc = None

    def kill(self):
        """SIGKILL: the way Redis dies when its machine or the OOM killer takes it."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.proc = None

    def flush(self):
        redis_lib.Redis.from_url(self.url).flushall()


class _Process:
    """A Celery process of the app on the test database, in its own process group."""

    role = ""

    def __init__(self, *, broker: Broker, env: dict[str, str], logdir: Path, name: str):
        self.broker = broker
        self.env = env
        self.logdir = logdir
        self.name = name
        self.proc = None
        self.log_path = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self):
        self.log_path = self.logdir / f"{self.role}-{self.name}-{time.time_ns()}.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """Kill -9: the way a process dies when its machine does, with no chance to clean up."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self):
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        elif self.proc is not None:
            self.proc.wait(timeout=30)
        if self.proc is not None:  # a child left behind in the group (a pool process) goes too
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace") if self.log_path else ""


class Worker(_Process):
    """A Celery worker; with `beat=True`, a beat of its own beside it, started, killed and stopped
    with it (one "machine"). Not Celery's embedded beat (`worker --beat`): that forks the beat out of
    a worker already running threads, and such a child can hang on a lock a thread held at the fork —
    the sweep then never comes, which is what three delivery tests met in full runs. Production runs
    beat as a process of its own, too. `pool="prefork"` is what production runs."""

    role = "worker"

    def __init__(self, *, beat: bool = True, pool: str = "threads", args: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.pool = pool
        self.args = list(args)
        self.beat = Beat(broker=self.broker, env=self.env, logdir=self.logdir, name=self.name) if beat else None

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "hostage_tracker", "worker", f"--pool={self.pool}"]
        command += ["--concurrency=2" if self.pool == "prefork" else "--concurrency=4", *self.args]
        command += ["--loglevel=INFO", "-n", f"{self.name}-{time.time_ns()}@%h"]
        return command

    def start(self):
        super().start()
        if self.beat is not None:
            self.beat.start()
        return self

    def kill(self):
        super().kill()
        if self.beat is not None:
            self.beat.kill()

    def stop(self):
        super().stop()
        if self.beat is not None:
            self.beat.stop()

    def log(self) -> str:
        own = super().log()
        return own if self.beat is None else f"{own}\n----- its beat -----\n{self.beat.log()}"

    def wait_ready(self, timeout: float = START_TIMEOUT):
        wait_until(
            lambda: " ready." in super(Worker, self).log() or not self.alive(),
            timeout=timeout,
            what=f"{self.name} ready",
        )
        assert self.alive(), f"worker {self.name} exited:\n{self.log()[-3000:]}"
        if self.beat is not None:
            self.beat.wait_ready(timeout)
        return self


class Beat(_Process):
    """A Celery beat of its own, as docker-compose runs it."""

    role = "beat"

    def command(self) -> list[str]:
        schedule = self.logdir / f"schedule-{self.name}-{time.time_ns()}"
        return [sys.executable, "-m", "celery", "-A", "hostage_tracker", "beat", "--loglevel=INFO", "-s", str(schedule)]

    def wait_ready(self, timeout: float = START_TIMEOUT):
        wait_until(lambda: "Sending due task" in self.log() or not self.alive(), timeout=timeout, what="beat sending")
        assert self.alive(), f"beat {self.name} exited:\n{self.log()[-3000:]}"
        return self


def _postgres_bindir() -> Path:
    """The binaries of the newest PostgreSQL installed (pg_dump must be at least the server's version)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    assert candidates, "PostgreSQL's server binaries are needed (apt-get install postgresql)"
    return candidates[-1].parent


class PostgresCluster:
    """A PostgreSQL cluster of the test's own, initdb'd in a temporary folder on a free port: the new
    server a backup is restored onto after the old one is lost."""

    def __init__(self):
        self.bindir = _postgres_bindir()
        # Not under pytest's tmp_path: its parents are private to root, and the server runs as postgres.
        self.workdir = Path(tempfile.mkdtemp(prefix="hostage-tracker-pg-"))
        self.datadir = self.workdir / "data"
        self.port = free_port()

    def _as_postgres(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        # initdb and postgres refuse to run as root; the machine's own clusters run as `postgres`.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=120, **kwargs)

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._as_postgres(
            str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.workdir / "log")
        self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options, "-l", log, "-w", "start")
        return self

    def stop(self):
        if (self.datadir / "postmaster.pid").exists():
            self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def restore(self, *, dump: Path, database: str):
        subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database],
            check=True,
            timeout=60,
        )
        subprocess.run(
            [
                str(self.bindir / "pg_restore"),
                "--no-owner",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )


def pg_dump(*, url: str, to: Path) -> Path:
    subprocess.run([str(_postgres_bindir() / "pg_dump"), "-Fc", "-f", str(to), url], check=True, timeout=300)
    return to
