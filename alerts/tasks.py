"""Celery tasks: thin wrappers that take ids and call the alert services."""

from celery import shared_task

from alerts.choices import DeliveryStatus
from alerts.services import delivery, dispatch, overdue, sweep
from core.queue import send_now


@shared_task(ignore_result=True)
def event_dispatch(event_seq: int) -> None:
    for delivery_id in dispatch.event_dispatch(event_seq=event_seq):
        send_now(delivery_attempt, delivery_id)


@shared_task(ignore_result=True)
def delivery_attempt(delivery_id: int) -> None:
    status = delivery.delivery_attempt(delivery_id=delivery_id)
    if status == DeliveryStatus.PENDING:
        countdown = delivery.next_retry_countdown(delivery_id)
        # Short waits go through the broker for speed; the sweep covers long ones and lost messages.
        if countdown is not None and countdown <= 600:
            send_now(delivery_attempt, delivery_id, countdown=countdown)


@shared_task(ignore_result=True)
def alerts_sweep() -> None:
    for delivery_id in sweep.sweep_events() + sweep.sweep_due_deliveries():
        send_now(delivery_attempt, delivery_id)


@shared_task(ignore_result=True)
def proof_of_life_check() -> None:
    overdue.proof_of_life_overdue_check()
