"""The API's JSON encoder writes what DRF's own would, byte for byte."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from core.renderers import ApiJsonRenderer


def test_the_api_encoder_writes_what_drf_writes():
    document = {
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "at": datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC),
        "at_offset": datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=3))),
        "day": date(1990, 7, 14),
        "amount": Decimal("12.5"),
        "label": gettext_lazy("Held"),
        "error": ErrorDetail("This field is required.", code="required"),
        "names": ["Анна Кравец", "אנה קרבץ", "Anna Kravets"],
        "separators": "line\u2028paragraph\u2029end",
        "nested": [{"n": 1, "ok": True, "none": None, "ratio": 0.25}],
        "since": timedelta(hours=1, seconds=2),
    }
    assert ApiJsonRenderer().render(document) == JSONRenderer().render(document)


def test_nothing_renders_as_an_empty_body():
    assert ApiJsonRenderer().render(None) == b""
