"""The load test of `make bench` (run by bench/loadtest.py): 50 partners poll, 5 officers write.

Partners poll the list (their nationality, page of 100), the detainees they watch (five each) and
the change feed's tail, each with the ETag of their previous answer, as a well-behaved poller does.
Officers edit a case's notes and record status changes (held ⇄ release pending) on cases of their own, with If-Match.
Every request's time is recorded by what it was (a 304, a full answer, a write) and written to the
file named by BENCH_LOAD_OUT when the run ends.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text())
LIST_PATH = "/api/v1/detainees/?citizenship=RU&page_size=100"
_partner_tokens = itertools.cycle(CONFIG["partner_tokens"])
_officers = itertools.cycle(range(len(CONFIG["officer_tokens"])))
RECORDS: list[tuple[str, str, int, float]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, context, **kwargs):
    status = response.status_code if response is not None else 0
    if exception is not None and status < 400:
        status = 0
    kind = context.get("kind", name)
    if kind == "poll":
        kind = "304" if status == 304 else "answered in full"
    RECORDS.append((kind, name, status, response_time))


@events.quitting.add_listener
def _write(environment, **kwargs):
    Path(os.environ["BENCH_LOAD_OUT"]).write_text(
        json.dumps(
            {
                "records": RECORDS,
                "requests": environment.stats.total.num_requests,
                "failures": environment.stats.total.num_failures,
                "errors": {str(k): v.occurrences for k, v in environment.stats.errors.items()},
            }
        )
    )


class Partner(HttpUser):
    weight = 10
    fixed_count = CONFIG["partners"]
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {next(_partner_tokens)}"
        self.etags: dict[str, str] = {}
        self.cursor = CONFIG["feed_cursor"]
        self.watched = random.sample(CONFIG["partner_detainees"], 5)

    def _poll(self, path: str, name: str):
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        with self.client.get(path, headers=headers, name=name, context={"kind": "poll"}, catch_response=True) as r:
            if r.status_code not in (200, 304):
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                return None
            if "ETag" in r.headers:
                self.etags[path] = r.headers["ETag"]
            return r

    @task(3)
    def list_page(self):
        self._poll(LIST_PATH, "list")

    @task(3)
    def detail(self):
        self._poll(f"/api/v1/detainees/{random.choice(self.watched)}/", "detail")

    @task(3)
    def feed(self):
        path = f"/api/v1/changes/?after={self.cursor}&limit=100"
        response = self._poll(path, "feed")
        if response is not None and response.status_code == 200:
            cursor = response.json()["next_cursor"]
            if cursor != self.cursor:
                self.etags.pop(path, None)
                self.cursor = cursor


class Officer(HttpUser):
    weight = 1
    fixed_count = CONFIG["officers"]
    wait_time = between(1, 3)

    def on_start(self):
        me = next(_officers)
        self.client.headers["Authorization"] = f"Bearer {CONFIG['officer_tokens'][me]}"
        self.cases = CONFIG["officer_cases"][me]

    def _current(self, detainee_id: str):
        response = self.client.get(f"/api/v1/detainees/{detainee_id}/", name="officer read", context={"kind": "read"})
        return response.json(), response.headers["ETag"]

    @task(2)
    def edit_notes(self):
        detainee_id = random.choice(self.cases)
        _, etag = self._current(detainee_id)
        self.client.patch(
            f"/api/v1/detainees/{detainee_id}/",
            json={"notes": f"Load test note {random.randrange(10**9)}"},
            headers={"If-Match": etag},
            name="write: edit notes",
            context={"kind": "write"},
        )

    @task(1)
    def status_change(self):
        detainee_id = random.choice(self.cases)
        detainee, etag = self._current(detainee_id)
        to_status = "release_pending" if detainee["status"] == "held" else "held"
        self.client.post(
            f"/api/v1/detainees/{detainee_id}/status-changes/",
            json={"to_status": to_status, "from_status": detainee["status"], "source": "Load test"},
            headers={"If-Match": etag},
            name="write: status change",
            context={"kind": "write"},
        )
