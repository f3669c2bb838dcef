"""Allocation of human case references (HC-000123)."""

from django.db import connection
from django.db.models import Max

from cases.models import Detainee
from cases.models.detainees import CASE_REF_PREFIX, format_case_ref

# Created by migration 0003 on PostgreSQL; a sequence never hands out a number twice, even to
# concurrent transactions, and never blocks.
CASE_NUMBER_SEQUENCE = "cases_case_number_seq"


def case_refs_allocate(count: int = 1) -> list[str]:
    """Reserve `count` new case references, in increasing order."""
    if count < 1:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [CASE_NUMBER_SEQUENCE, count])
            return [format_case_ref(row[0]) for row in cursor.fetchall()]
    # SQLite (the embedded `make run` database) serialises writers, so max + 1 inside the
    # writer's transaction cannot collide.
    last = Detainee.objects.filter(case_ref__startswith=CASE_REF_PREFIX).aggregate(last=Max("case_ref"))["last"]
    start = int(last.removeprefix(CASE_REF_PREFIX)) + 1 if last else 1
    return [format_case_ref(n) for n in range(start, start + count)]
