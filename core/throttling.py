"""Rate limits per token (or per user for sessions, per address otherwise), counted atomically.

DRF's own throttle reads a list of timestamps, appends one and writes it back: concurrent requests
of one token overwrite each other's entries, and 8 clients got 1,380 of 2,000 requests through in
20 s against 1200/min. Here every request is one atomic increment (Redis INCR; LocMemCache locks)
of a counter per principal and window, weighed with the previous window's count so that a burst at
a window's edge cannot double the rate (a sliding-window estimate).

Every API answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a refusal is a
429 with Retry-After. Redis down fails open: no limit, no outage.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset: int  # seconds until the current window ends
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def parse_rate(rate: str) -> tuple[int, int]:
    """'1200/min' -> (1200, 60): requests, and the window in seconds."""
    count, period = rate.split("/")
    return int(count), _UNITS[period.strip()[0]]


def rate_limit_take(ident: str, *, rate: str, now: float | None = None) -> RateLimit | None:
    """Count one request of `ident`; None when the cache is unavailable (then nothing is limited)."""
    limit, window = parse_rate(rate)
    now = time.time() if now is None else now
    current = int(now // window)
    key = f"ratelimit:{ident}:{window}:{current}"
    try:
        count, previous = _count(key, f"ratelimit:{ident}:{window}:{current - 1}", timeout=window * 2 + 1)
    except Exception as exc:  # noqa: BLE001 - any cache failure: serve rather than refuse
        logger.warning("rate limiting skipped, cache unavailable: %s", exc)
        return None
    elapsed = now - current * window
    used = previous * (1 - elapsed / window) + count
    return RateLimit(
        limit=limit,
        remaining=max(0, math.floor(limit - used)),
        reset=max(1, math.ceil(window - elapsed)),
        allowed=used <= limit,
    )


def _count(key: str, previous_key: str, *, timeout: int) -> tuple[int, int]:
    """Increment `key` (created with `timeout`) and read `previous_key`: on Redis in one round trip
    (three before: a third of what a 304 costs beyond authentication)."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(key, write=True)
        # Django's Redis serializer stores integers as plain numbers, so these are its own keys.
        pipe = client.pipeline(transaction=False)
        pipe.set(backend.make_and_validate_key(key), 0, ex=timeout, nx=True)
        pipe.incr(backend.make_and_validate_key(key))
        pipe.get(backend.make_and_validate_key(previous_key))
        _, count, previous = pipe.execute()
        return int(count), int(previous or 0)
    backend.add(key, 0, timeout=timeout)
    return backend.incr(key), backend.get(previous_key, 0)


class PrincipalRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        token = request.auth
        if token is not None and hasattr(token, "prefix"):
            ident = f"token:{token.pk}"
        elif request.user is not None and getattr(request.user, "pk", None):
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        state = rate_limit_take(ident, rate=settings.API_THROTTLE_RATE)
        request._request.rate_limit = state  # the response's headers (core.api.ApiView)
        self.state = state
        return state is None or state.allowed

    def wait(self) -> float | None:
        return self.state.reset if self.state is not None else None
