"""RFC 9457 problem details for every API error, so partners parse one shape for all failures."""

import logging
import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from core.errors import Conflict

logger = logging.getLogger(__name__)
PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:hostage-tracker:problem:"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since the ETag you sent in If-Match."
    default_code = "precondition_failed"


class BadQuery(exceptions.ValidationError):
    """An unknown or invalid query parameter."""


def problem(status_code: int, detail: str, *, code: str | None = None, title: str | None = None, **members) -> dict:
    body = {
        "type": f"{TYPE_BASE}{code}" if code else "about:blank",
        "title": title or HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    body.update(members)
    return body


def field_errors(detail) -> list[dict]:
    """DRF's nested error detail, flattened to [{"field": "source", "detail": "..."}]."""
    out: list[dict] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not isinstance(value[0], str | exceptions.ErrorDetail):
            for index, inner in enumerate(value):
                walk(f"{prefix}[{index}]", inner)
        else:
            for message in value if isinstance(value, list) else [value]:
                out.append({"field": prefix or "non_field_errors", "detail": str(message)})

    walk("", detail)
    return out


def _response(body: dict, headers: dict | None = None) -> JsonResponse:
    # A plain Django response, not DRF's: it must be problem JSON whatever renderer the view has
    # (the HTML docs page included).
    return JsonResponse(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    if isinstance(exc, Conflict):
        members = dict(exc.extra)
        if exc.field:
            members["errors"] = [{"field": exc.field, "detail": exc.message}]
        return _response(problem(409, exc.message, code=exc.code.replace("_", "-"), title="Conflict", **members))
    if isinstance(exc, DjangoValidationError):
        errors = field_errors(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
        return _response(problem(400, "The request has invalid fields.", code="invalid-input", errors=errors))
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _response(problem(413, f"The body is larger than this API takes ({limit:,} bytes).", code="too-large"))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return _response(problem(500, "An unexpected error occurred; it has been logged.", code="server-error"))

    detail = response.data
    status_code = response.status_code
    members: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        members["errors"] = field_errors(detail)
        message = "The request has invalid fields." if not isinstance(exc, BadQuery) else "Invalid query parameters."
        code = "invalid-query" if isinstance(exc, BadQuery) else "invalid-input"
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = {
            401: "not-authenticated",
            403: "forbidden",
            404: "not-found",
            405: "method-not-allowed",
            406: "not-acceptable",
            412: "precondition-failed",
            415: "unsupported-media-type",
            429: "rate-limited",
        }.get(status_code)
        if isinstance(exc, exceptions.ParseError):
            code = "malformed-body"
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        members["retry_after"] = max(1, math.ceil(exc.wait))
    body = problem(status_code, message, code=code, **members)
    headers = {
        name: value for name, value in response.headers.items() if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.Throttled):
        headers["Retry-After"] = str(members.get("retry_after", 1))
    return _response(body, headers)


@csrf_exempt
def api_not_found(request, exception=None):
    """404 for unknown URLs under /api/: problem JSON, like every other API error."""
    return JsonResponse(
        problem(404, "There is no such resource.", code="not-found"), status=404, content_type=PROBLEM_CONTENT_TYPE
    )


def csrf_failure(request, reason=""):
    """A refused CSRF check: problem JSON under /api/ (a browser session writing without its token)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            problem(403, f"CSRF check failed: {reason}", code="csrf-failed"),
            status=403,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return default_csrf_failure(request, reason=reason)


def api_server_error(request):
    return JsonResponse(
        problem(500, "An unexpected error occurred; it has been logged.", code="server-error"),
        status=500,
        content_type=PROBLEM_CONTENT_TYPE,
    )
