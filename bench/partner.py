"""What partners feel: the list, the 304 poll and their floors, over HTTP through gunicorn.

A partner token scoped to RU asks for `citizenship=RU`, page_size 100. Side by side, round-robin in
one run so that a slow moment of the machine falls on all of them alike:

- our list page, and the bare SQL that returns the same rows with their citizenships, name variants
  and channels (timed in this process: no HTTP at all);
- the same page from bench/plain.py's plain DRF ListAPIView (ModelSerializer, django-filter,
  CursorPagination);
- a 304 to `If-None-Match` on our page, and bench/plain.py's minimal view that authenticates the
  same token and answers 204;
- our page with the disclosure log off (bench/urls.py), for what the log costs.
"""

import http.client
import json
import time
from urllib.parse import urlsplit

from bench.common import NotMeasured, median

REPEATS = 60
WARM_UP = 24  # every gunicorn worker answers a few of each before timing starts
PATH = "/api/v1/detainees/?citizenship=RU&page_size=100"
PLAIN_PATH = "/bench/plain/detainees/?citizenship=RU&page_size=100"
PING_PATH = "/bench/ping/"
UNLOGGED_PATH = "/bench/unlogged/detainees/?citizenship=RU&page_size=100"


class Client:
    """One HTTP request per connection, as a partner's poller opens them (gunicorn's sync workers
    close the connection after each answer anyway)."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(self, path: str, **headers) -> tuple[int, dict, bytes, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request("GET", path, headers=self.headers | headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return response.status, dict(response.getheaders()), body, time.perf_counter() - started


def _expect(status: int, wanted: int, path: str, body: bytes) -> None:
    if status != wanted:
        raise NotMeasured(f"HTTP {status} from {path.split('?')[0]} (expected {wanted}): {body[:200]!r}")


def measure(client: Client) -> dict:
    """Medians (seconds) of each request kind, and the ids each list returned."""
    status, headers, body, _ = client.get(PATH)
    _expect(status, 200, PATH, body)
    etag = headers.get("ETag")
    ours_ids = [item["id"] for item in json.loads(body)["results"]]
    status, _, body, _ = client.get(PLAIN_PATH)
    _expect(status, 200, PLAIN_PATH, body)
    plain_ids = [item["id"] for item in json.loads(body)["results"]]
    kinds = {
        "ours": (PATH, {}, 200),
        "plain": (PLAIN_PATH, {}, 200),
        "poll": (PATH, {"If-None-Match": etag}, 304),
        "ping": (PING_PATH, {}, 204),
        "unlogged": (UNLOGGED_PATH, {}, 200),
    }
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for round_ in range(WARM_UP + REPEATS):
        for kind, (path, headers, wanted) in kinds.items():
            status, _, body, seconds = client.get(path, **headers)
            _expect(status, wanted, path, body)
            if round_ >= WARM_UP:
                times[kind].append(seconds)
    return {
        "medians": {kind: median(values) for kind, values in times.items()},
        "ours_ids": ours_ids,
        "plain_ids": plain_ids,
    }
