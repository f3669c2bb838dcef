"""The load test: locust (bench/locustfile.py) against gunicorn with a Celery worker running.

50 partners, each its own organisation scoped to RU with its own token, and 5 officers with
personal tokens, for 60 s. Returns the figures the issue asks for: errors, requests per second,
the p95 of a 304 and of a write.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import percentile
from bench.serve import ROOT, gunicorn, officer_token, partner_token

PARTNERS = 50
OFFICERS = 5
SECONDS = 60
CASES_PER_OFFICER = 20


def _config() -> dict:
    from django.db import connection

    from cases.choices import Status
    from cases.models import Detainee

    partner_tokens = [partner_token(f"Bench load partner {n:02d} (RU)", ["RU"]) for n in range(PARTNERS)]
    officer_tokens = [officer_token(f"bench-officer-{n}") for n in range(OFFICERS)]
    ru = list(
        Detainee.objects.filter(citizenships__country="RU").order_by("case_ref").values_list("pk", flat=True)[:500]
    )
    movable = list(
        Detainee.objects.filter(status__in=[Status.HELD, Status.RELEASE_PENDING])
        .order_by("?")
        .values_list("pk", flat=True)[: OFFICERS * CASES_PER_OFFICER]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid || '.' || seq FROM alerts_event ORDER BY txid DESC, seq DESC LIMIT 1")
        tail = cursor.fetchone()[0]
    return {
        "partners": PARTNERS,
        "officers": OFFICERS,
        "partner_tokens": partner_tokens,
        "officer_tokens": officer_tokens,
        "partner_detainees": [str(pk) for pk in ru],
        "officer_cases": [[str(pk) for pk in movable[n::OFFICERS]] for n in range(OFFICERS)],
        "feed_cursor": tail,
    }


def _warm_up(base: str, config: dict) -> None:
    """A few requests for every gunicorn worker first: the load is measured on a running server, not
    on workers loading their code while 55 clients wait."""
    from bench.partner import Client

    client = Client(base, config["partner_tokens"][0])
    for _ in range(5 * 8):
        client.get("/api/v1/detainees/?citizenship=RU&page_size=100")
        client.get(f"/api/v1/detainees/{config['partner_detainees'][0]}/")
        client.get(f"/api/v1/changes/?after={config['feed_cursor']}&limit=100")


def _worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hostage_tracker", "worker", "--loglevel=WARNING", "--concurrency=2"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run() -> dict:
    config = _config()
    with tempfile.TemporaryDirectory() as tmp:
        config_path, out_path = Path(tmp, "config.json"), Path(tmp, "out.json")
        config_path.write_text(json.dumps(config))
        worker = _worker()
        try:
            with gunicorn() as base:
                _warm_up(base, config)
                env = dict(os.environ, BENCH_LOAD_CONFIG=str(config_path), BENCH_LOAD_OUT=str(out_path))
                started = time.monotonic()
                subprocess.run(
                    [
                        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "-u", str(PARTNERS + OFFICERS), "-r", str(PARTNERS + OFFICERS), "-t", f"{SECONDS}s",
                        "--host", base, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
                    ],
                    cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
                )  # fmt: skip
                elapsed = time.monotonic() - started
        finally:
            _stop(worker)
        out = json.loads(out_path.read_text())
    by_kind: dict[str, list[float]] = {}
    errors = 0
    for kind, name, status, ms in out["records"]:
        by_kind.setdefault(kind, []).append(ms)
        if kind in ("304", "answered in full"):
            by_kind.setdefault(f"{name}: {kind}", []).append(ms)
        errors += status == 0 or status >= 400
    return {
        "seconds": min(elapsed, SECONDS),
        "requests": len(out["records"]),
        "polls": sum(1 for kind, *_ in out["records"] if kind in ("304", "answered in full")),
        "errors": errors,
        "error_kinds": out["errors"],
        "counts": {kind: len(values) for kind, values in by_kind.items()},
        "p95_ms": {kind: percentile(values, 95) for kind, values in by_kind.items()},
        "p50_ms": {kind: percentile(values, 50) for kind, values in by_kind.items()},
    }
