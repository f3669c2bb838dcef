"""Alert latency: from a status change's commit to its webhook arriving at a local receiver.

Real stack: PostgreSQL, Redis, a Celery worker process (threads pool, 4 threads) and an HTTP
receiver on 127.0.0.1. Records CHANGES status changes one after another and reports p50 and p95.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ensure_database, percentile, setup_django

CHANGES = int(os.environ.get("BENCH_ALERT_CHANGES", "200"))
ROOT = Path(__file__).resolve().parent.parent


def main() -> dict:
    setup_django()
    ensure_database()
    import redis
    from django.conf import settings

    from cases.choices import Status
    from cases.services.detainees import detainee_create
    from cases.services.status_changes import status_change_record
    from harness.receivers import WebhookReceiver
    from partners.models import Partner
    from partners.services.partners import partner_ensure, webhook_endpoint_create

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    worker = subprocess.Popen(
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
            "--loglevel=WARNING",
            "-s",
            str(Path(tempfile.mkdtemp()) / "beat-schedule"),
        ],
        cwd=ROOT,
        env=dict(os.environ),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with WebhookReceiver() as receiver:
            Partner.objects.filter(name="Latency bench partner").delete()
            partner, _ = partner_ensure(name="Latency bench partner", nationalities=["RU"])
            webhook_endpoint_create(partner=partner, url=receiver.url)
            people = [
                detainee_create(full_name=f"Bench Person {i}", actor=None, citizenships=["RU"]) for i in range(CHANGES)
            ]
            receiver.wait_for(CHANGES, timeout=120)  # the detainee.created events: also warms the worker
            receiver.received.clear()
            committed: dict[str, float] = {}
            for person in people:
                change = status_change_record(detainee_id=person.pk, to_status=Status.HELD, source="bench", actor=None)
                committed[str(change.id)] = time.time()  # the transaction has committed when the call returns
                time.sleep(0.01)
            received = receiver.wait_for(CHANGES, timeout=120)
            latencies = []
            for request in received:
                body = json.loads(request.body)
                change_id = body["data"]["status_change"]["id"]
                latencies.append((request.at - committed[change_id]) * 1000)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    return {
        "changes": CHANGES,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
    }


if __name__ == "__main__":
    result = main()
    print(
        f"Alert latency over {result['changes']} changes (commit → webhook received): "
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms "
        f"(target p95 < 1000 ms)"
    )
