"""Reads of partners' records: the disclosure log, by partner, by case and since a time."""

from datetime import datetime

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from partners.models import Disclosure


def disclosures_of(*, partner=None, detainee=None, since: datetime | None = None) -> QuerySet[Disclosure]:
    """The log, newest first: what partners were told, optionally one partner's, about one case, since."""
    queryset = Disclosure.objects.select_related("partner", "token", "endpoint")
    if partner is not None:
        queryset = queryset.filter(partner=partner)
    if since is not None:
        queryset = queryset.filter(at__gte=since)
    if detainee is not None:
        if connection.vendor == "postgresql":  # containment, served by the GIN index
            queryset = queryset.filter(detainees__contains=[str(detainee)])
        else:  # the embedded SQLite demo: the ids as text
            queryset = queryset.annotate(detainee_ids=Cast("detainees", TextField())).filter(
                detainee_ids__contains=f'"{detainee}"'
            )
    return queryset.order_by("-at", "-id")
