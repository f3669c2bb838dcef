"""The per-token rate limit holds under concurrent clients (each request is one atomic increment),
and every answer says where the caller stands."""

import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.core.cache import cache

from core.throttling import rate_limit_take
from partners.services.tokens import token_issue

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_concurrent_clients_get_exactly_the_rate_and_no_more(live_server, analyst, settings):
    # A daily window: a run of a few seconds does not cross its edge.
    settings.API_THROTTLE_RATE = "40/day"
    token = token_issue(user=analyst)[1]
    statuses: Counter = Counter()
    headers: list[dict] = []
    lock = threading.Lock()

    def client(requests: int) -> None:
        for _ in range(requests):
            request = urllib.request.Request(
                f"{live_server.url}/api/v1/detainees/?page_size=1", headers={"Authorization": f"Bearer {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, answer = response.status, dict(response.headers)
            except urllib.error.HTTPError as refused:
                status, answer = refused.code, dict(refused.headers)
            with lock:
                statuses[status] += 1
                headers.append(answer)

    threads = [threading.Thread(target=client, args=(13,)) for _ in range(8)]  # 104 requests
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == {200: 40, 429: 64}
    assert all(h["RateLimit-Limit"] == "40" for h in headers)
    assert sorted(int(h["RateLimit-Remaining"]) for h in headers)[-1] == 39
    refused = [h for h in headers if h["RateLimit-Remaining"] == "0"]
    assert all(1 <= int(h["Retry-After"]) <= 86400 for h in refused if "Retry-After" in h)
    assert sum("Retry-After" in h for h in headers) == 64


def test_the_previous_window_counts_so_a_burst_at_the_edge_cannot_double_the_rate():
    cache.clear()
    rate = "10/min"
    start = 60 * 1_000_000  # the start of a window
    taken = [rate_limit_take("edge", rate=rate, now=start + 59).allowed for _ in range(10)]
    assert all(taken)
    # Six seconds into the next window the last window's ten still weigh nine: one more, not ten more.
    assert [rate_limit_take("edge", rate=rate, now=start + 66).allowed for _ in range(2)] == [True, False]
    # Half-way through they weigh five (and the two of this window count, refused or not): room for two.
    states = [rate_limit_take("edge", rate=rate, now=start + 90) for _ in range(4)]
    assert [s.allowed for s in states] == [True, True, True, False]
    assert states[0].reset == 30 and states[0].remaining == 2
