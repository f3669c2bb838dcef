"""Conditional requests: strong ETags worked out from cheap version data before a page is built.

If-None-Match (weak comparison, RFC 9110) answers 304 with no body; a stale If-Match (strong
comparison) on a write answers 412 and changes nothing.
"""

import functools
import hashlib
import hmac

from django.conf import settings
from rest_framework.response import Response

from core.problems import PreconditionFailed


def make_etag(*parts: object) -> str:
    """Keyed, so an ETag is one this server issued for these parts: a reader cannot hash guesses of
    the server-wide data version to learn how much changes outside its scope, and a matching ETag
    names a query that was answered (and so valid) before."""
    message = "\x1f".join(str(p) for p in parts).encode()
    digest = hmac.new(_key(), message, hashlib.sha256).hexdigest()[:40]
    return f'"{digest}"'


@functools.cache
def _key() -> bytes:
    return hashlib.sha256(b"etag\x1f" + settings.SECRET_KEY.encode()).digest()


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def not_modified(request, etag: str) -> Response | None:
    header = request.headers.get("If-None-Match")
    if not header:
        return None
    tags = _tags(header)
    if "*" in tags or etag in (tag.removeprefix("W/") for tag in tags):
        return Response(status=304, headers={"ETag": etag})
    return None


def check_if_match(request, current_etag: str) -> None:
    header = request.headers.get("If-Match")
    if not header:
        return
    tags = _tags(header)
    if "*" in tags:
        return
    if current_etag not in tags:  # strong comparison: a weak tag never matches
        raise PreconditionFailed()
