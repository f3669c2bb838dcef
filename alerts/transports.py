"""The ways an event reaches someone. Each transport has one method, send(delivery), which returns
the HTTP status (or None) on success and raises TransportError on failure.

A permanent error (410 Gone, a user without an email address) stops retries.
"""

import email.utils
import json
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from standardwebhooks.webhooks import Webhook

from alerts.choices import DeliveryKind
from alerts.models import Delivery
from alerts.representations import event_body, event_object
from alerts.summaries import event_summary
from core.access import Viewer, viewer_of
from partners.models import WebhookEndpoint
from partners.webhook_urls import webhook_url_check


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, status_code: int | None = None, retry_after=None):
        super().__init__(message)
        self.permanent = permanent
        self.status_code = status_code
        self.retry_after = retry_after  # seconds, when the receiver asked for a pause


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead anywhere (SSRF); a receiver must answer at the URL it registered.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,9}", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def sign_headers(*, secret: str | list[str], msg_id: str, body: str, at: datetime) -> dict[str, str]:
    """Standard Webhooks headers: the same msg_id on every retry, so receivers can drop duplicates;
    one `v1,` signature per secret that signs (two while a rotated secret overlaps the new one)."""
    secrets = [secret] if isinstance(secret, str) else secret
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(msg_id, at, body) for s in secrets),
    }


class WebhookTransport:
    def send(self, delivery: Delivery) -> int:
        endpoint = delivery.endpoint
        body = event_body(delivery.event, Viewer(partner=endpoint.partner))
        return post_signed(endpoint, msg_id=str(delivery.event.id), body=body)


def post_signed(endpoint: WebhookEndpoint, *, msg_id: str, body: str) -> int:
    """POST a signed body to a partner's endpoint (an event, or a test ping): its HTTP status, or a
    TransportError saying what went wrong."""
    try:
        webhook_url_check(endpoint.url)
    except ValidationError as exc:
        raise TransportError(f"URL refused: {' '.join(exc.messages)}", permanent=True) from exc
    now = datetime.now(UTC)
    headers = sign_headers(secret=endpoint.signing_secrets(now), msg_id=msg_id, body=body, at=now)
    headers["content-type"] = "application/json"
    headers["user-agent"] = "HostageCaseTracker-Webhooks/1"
    # The scheme was checked by webhook_url_check: http(s) only.
    request = urllib.request.Request(endpoint.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(64 * 1024)
            return response.status
    except urllib.error.HTTPError as exc:
        code = exc.code
        if code == 410:
            raise TransportError("410 Gone: the receiver asked us to stop", permanent=True, status_code=410) from exc
        raise TransportError(
            f"HTTP {code}", status_code=code, retry_after=parse_retry_after(exc.headers.get("Retry-After"))
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransportError(f"{type(exc).__name__}: {reason}") from exc


class EmailTransport:
    def send(self, delivery: Delivery) -> None:
        user = delivery.user
        if not user.email:
            raise TransportError(f"user {user.username} has no email address", permanent=True)
        event = delivery.event
        # One line whatever a name holds (a header with a line break raises, and would be retried for days).
        subject = " ".join(f"[Hostage Case Tracker] {event_summary(event)}".split())
        body = (
            f"{event_summary(event)}\n\n"
            f"Event {event.id} ({event.type}) at {event.occurred_at.isoformat()}.\n\n"
            f"{json.dumps(event_object(event, viewer_of(user))['data'], indent=2, ensure_ascii=False)}\n\n"
            "You receive this because of your alert subscriptions in the Hostage Case Tracker.\n"
        )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        except (OSError, TimeoutError) as exc:  # smtplib errors are OSErrors
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return None


TRANSPORTS = {DeliveryKind.WEBHOOK: WebhookTransport(), DeliveryKind.EMAIL: EmailTransport()}


def monotonic_ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)
