"""Celery tasks of the lists: thin wrappers that take ids and call the services."""

from celery import shared_task

from lists import services


@shared_task(ignore_result=True)
def list_match(list_id: str) -> None:
    services.list_match(list_id=list_id)
