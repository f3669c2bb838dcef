"""Handing work to the Celery workers, after the transaction commits, without ever failing the request.

If the broker is down the change has still committed, with its event and delivery rows; the
periodic sweep finds them and delivers. So a failed send is logged, never raised.

Services name the tasks they hand work to (they never import the tasks module, which imports
them): the task is found by name in the app's registry, so eager mode (`make run` without Redis)
still runs it in-process.
"""

import logging

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_DISPATCH = "alerts.tasks.event_dispatch"
DELIVERY_ATTEMPT = "alerts.tasks.delivery_attempt"


def send_now(task: Task | str, *args, countdown: float | None = None) -> bool:
    task = current_app.tasks[task] if isinstance(task, str) else task
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)
    except Exception as exc:  # noqa: BLE001 - the broker's failure modes are many; the sweep covers all
        logger.warning("could not enqueue %s%r (%s); the sweep will pick it up", task.name, args, exc)
        return False
    return True


def send_after_commit(task: Task | str, *args) -> None:
    transaction.on_commit(lambda: send_now(task, *args))
