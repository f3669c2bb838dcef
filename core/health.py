"""Health of the parts the application depends on, for /healthz.

Redis down is a degraded state, not an outage: reads and writes go on (events wait in the
database). Only an unreachable database makes the service "down".
"""

import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection

OK, DEGRADED, DOWN = "ok", "degraded", "down"
WORKER_HEARTBEAT_KEY = "hostage_tracker:worker:heartbeat"
WORKER_HEARTBEAT_INTERVAL = 5.0
# A worker beats every 5 s; three missed beats and we call it gone.
WORKER_STALE_AFTER = 15.0


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def worker_heartbeat_write() -> None:
    """A worker's sign of life, every few seconds (hostage_tracker.celery), read by check_worker."""
    redis_client().set(WORKER_HEARTBEAT_KEY, str(time.time()), ex=int(WORKER_HEARTBEAT_INTERVAL * 6))


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure to answer means the database is unusable
        return DOWN
    return OK


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        redis_client().ping()
    except redis.RedisError:
        return DOWN
    return OK


def check_worker() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        beat = redis_client().get(WORKER_HEARTBEAT_KEY)
    except redis.RedisError:
        return "unknown"
    if beat is None or time.time() - float(beat) > WORKER_STALE_AFTER:
        return DOWN
    return OK


def health_report() -> dict:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    if checks["database"] != OK:
        status = DOWN
    elif any(value not in (OK, "in-process") for value in checks.values()):
        status = DEGRADED
    else:
        status = OK
    return {"status": status, "checks": checks}
