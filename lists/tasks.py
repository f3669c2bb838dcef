"""Celery tasks of the lists: thin wrappers that take ids and call the services."""

from celery import shared_task

from lists.services.imports import list_match as list_match_service


@shared_task(ignore_result=True)
def list_match(list_id: str) -> None:
    list_match_service(list_id=list_id)
