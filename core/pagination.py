"""Keyset ("cursor") pagination: `{"results": [...], "next": url|null, "previous": url|null}`.

A cursor holds the sort key of the row it stands after (or before), so pages never skip or repeat
rows when others are inserted meanwhile, and a deep page costs what the first does.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.problems import BadQuery

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _params(request):
    """The query string of a DRF request or of a plain Django one (the browser's lists use this too)."""
    return getattr(request, "query_params", request.GET)


def page_size_of(request: Request, default: int = DEFAULT_PAGE_SIZE) -> int:
    raw = _params(request).get("page_size")
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadQuery({"page_size": [f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(raw)


def _signature(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@functools.cache
def _key() -> bytes:
    return hashlib.sha256(b"cursor\x1f" + settings.SECRET_KEY.encode()).digest()


def _encode(values: list, reverse: bool) -> str:
    """A cursor, signed: only a cursor this server issued is read (a forged one carried a time offset
    or a NUL no database accepts, and answered 500)."""
    plain = [v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, UUID) else v for v in values]
    payload = base64.urlsafe_b64encode(json.dumps({"k": plain, "r": reverse}).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload)}"


def _decode(token: str, width: int) -> tuple[list, bool]:
    payload, _, signature = token.partition(".")
    try:
        if not hmac.compare_digest(signature, _signature(payload)):
            raise ValueError("not a cursor of this server")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        values, reverse = data["k"], bool(data["r"])
        assert isinstance(values, list) and len(values) == width
    except (ValueError, KeyError, TypeError, AssertionError, binascii.Error) as exc:
        raise BadQuery({"cursor": ["This cursor is not valid for this list; start again without it."]}) from exc
    return values, reverse


def _condition(ordering: list[tuple[str, bool]], values: list, forward: bool) -> Q:
    """Rows strictly after `values` in the ordering (or before, when not forward)."""
    condition = Q()
    for i, (column, descending) in enumerate(ordering):
        after = (not descending) == forward  # forward through an ascending column: greater values
        step = Q(**{f"{column}__{'gt' if after else 'lt'}": values[i]})
        for j in range(i):
            step &= Q(**{ordering[j][0]: values[j]})
        condition |= step
    return condition


@dataclass
class Page:
    items: list
    next: str | None
    previous: str | None

    def body(self, results: list) -> dict:
        return {"results": results, "next": self.next, "previous": self.previous}


def paginate(
    queryset: QuerySet, request: Request, ordering: list[tuple[str, bool]], page_size: int, *, absolute: bool = True
) -> Page:
    """One page; links are absolute URLs for the API, paths for the browser's pages."""
    columns = [column for column, _ in ordering]
    token = _params(request).get("cursor")
    reverse = False
    if token:
        values, reverse = _decode(token, len(ordering))
        values = [_typed(queryset, column, value) for column, value in zip(columns, values, strict=True)]
        queryset = queryset.filter(_condition(ordering, values, forward=not reverse))
    order = [f"{'-' if desc != reverse else ''}{column}" for column, desc in ordering]
    rows = list(queryset.order_by(*order)[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if reverse:
        rows.reverse()
    url = request.build_absolute_uri() if absolute else request.get_full_path()

    def link(row, backwards: bool) -> str:
        key = [getattr(row, column) for column in columns]
        return replace_query_param(url, "cursor", _encode(key, backwards))

    has_next = more if not reverse else True
    has_previous = bool(token) and (more if reverse else True)
    next_url = link(rows[-1], False) if rows and has_next else None
    previous_url = link(rows[0], True) if rows and has_previous else None
    if token and not rows:
        previous_url = remove_query_param(url, "cursor")
    return Page(rows, next_url, previous_url)


def _typed(queryset: QuerySet, column: str, value):
    annotation = queryset.query.annotations.get(column)
    field = annotation.output_field if annotation is not None else queryset.model._meta.get_field(column)
    try:
        if value is None or isinstance(value, dict | list | bool):
            raise ValueError(value)
        if isinstance(value, str) and field.get_internal_type() == "DateTimeField":
            parsed = parse_datetime(value)
            if parsed is None:
                raise ValueError(value)
            return parsed
        return field.to_python(value)
    except Exception as exc:
        raise BadQuery({"cursor": ["This cursor is not valid for this list; start again without it."]}) from exc
