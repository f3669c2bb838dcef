"""The disclosure log: what each answer to a partner told it.

While an API request of a partner's token is answered, a collector gathers what the answer names:
the representations call `disclosed()` with the detainees (and the feed with the events) they put
in it, so no view can forget to; outside such a request `disclosed()` does nothing. When the answer
is a 200, one row is written with everything it named (core.api). A webhook delivered writes its
own row (alerts.transports). Admins read the log per partner, per case and by API.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from partners.choices import DisclosureVia
from partners.models import ApiToken, Disclosure, Partner, WebhookEndpoint


@dataclass
class _Collector:
    detainees: dict = field(default_factory=dict)  # insertion-ordered set of ids
    events: dict = field(default_factory=dict)


_collecting: ContextVar[_Collector | None] = ContextVar("disclosures", default=None)


def disclosed(*, detainees: Iterable = (), events: Iterable = ()) -> None:
    """Note what the answer being built tells a partner (nothing happens outside a partner's request)."""
    collector = _collecting.get()
    if collector is None:
        return
    for detainee in detainees:
        collector.detainees[str(detainee)] = True
    for event in events:
        collector.events[str(event)] = True


@contextmanager
def collecting():
    """Gather, for the length of the block, what is disclosed; yields the collector's contents getter."""
    collector = _Collector()
    token = _collecting.set(collector)
    try:
        yield lambda: (list(collector.detainees), list(collector.events))
    finally:
        _collecting.reset(token)


def start_collecting():
    """For a request that ends elsewhere (core.api): returns (reset token, collector)."""
    collector = _Collector()
    return _collecting.set(collector), collector


def stop_collecting(reset_token) -> None:
    _collecting.reset(reset_token)


def disclosure_record(
    *,
    partner: Partner,
    via: str,
    target: str,
    detainees: list[str],
    events: list[str] = (),
    token: ApiToken | None = None,
    endpoint: WebhookEndpoint | None = None,
) -> Disclosure | None:
    """One row for one answer (nothing when the log is turned off: DISCLOSURE_LOG, for measuring it)."""
    if not settings.DISCLOSURE_LOG:
        return None
    own_transaction = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if own_transaction and connection.vendor == "postgresql":
            # An answer to a read is otherwise no write at all: waiting for this row's WAL flush was
            # most of the log's cost on a partner's page. Without the wait, a crash of the database
            # server itself may lose the last fraction of a second of the log (never of the cases).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return Disclosure.objects.create(
            partner=partner,
            via=via,
            target=target[:1000],
            detainees=list(detainees),
            events=list(events),
            token=token,
            endpoint=endpoint,
        )


def api_disclosure_record(*, partner: Partner, token: ApiToken | None, target: str, collector: _Collector) -> None:
    disclosure_record(
        partner=partner,
        via=DisclosureVia.API,
        target=target,
        detainees=list(collector.detainees),
        events=list(collector.events),
        token=token,
    )
