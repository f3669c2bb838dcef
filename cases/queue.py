"""Sending tasks to the broker after the transaction commits, without ever failing the request.

If the broker is down the change has still committed, with its event rows; the periodic sweep
finds them and delivers. So a failed send is logged, never raised.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_now(task, *args, countdown: float | None = None) -> bool:
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)
    except Exception as exc:  # noqa: BLE001 - the broker's failure modes are many; the sweep covers all
        logger.warning("could not enqueue %s%r (%s); the sweep will pick it up", task.name, args, exc)
        return False
    return True


def send_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: send_now(task, *args))
