"""The scheduled check "no proof of life for N days" (Celery beat runs it, at least hourly).

For each N that someone subscribed to, every case still in captivity whose clock (the last proof of
life, else the abduction) is N days old or more gets one OverdueAlert and one
`detainee.proof_of_life_overdue` event, written together; the unique (detainee, days, clock) row
makes it idempotent: a second beat, a retried task or two workers at once add nothing. A new proof
of life moves the clock, so the next crossing alerts again.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.choices import EventType, SubscriptionKind
from alerts.models import OverdueAlert, Subscription
from alerts.services.events import event_emit
from cases.choices import CAPTIVE_STATUSES
from cases.models import Detainee
from cases.representations import detainee_summary


def overdue_thresholds() -> list[int]:
    """The numbers of days people subscribed to, smallest first."""
    values = Subscription.objects.filter(kind=SubscriptionKind.PROOF_OF_LIFE_OVERDUE, user__is_active=True)
    return sorted({int(v) for v in values.values_list("value", flat=True) if v.isdigit() and int(v) >= 1})


def _due(days: int, now: datetime):
    already = OverdueAlert.objects.filter(detainee=OuterRef("pk"), days=days, clock=OuterRef("proof_of_life_clock"))
    return (
        Detainee.objects.filter(status__in=CAPTIVE_STATUSES, proof_of_life_clock__lte=now - timedelta(days=days))
        .exclude(Exists(already))
        .order_by("proof_of_life_clock")
        .values_list("pk", flat=True)
    )


def proof_of_life_overdue_check(*, now: datetime | None = None) -> int:
    """Alert every case that crossed a subscribed number of days without a proof of life; returns how
    many alerts were written (0 when run again)."""
    now = now or timezone.now()
    written = 0
    for days in overdue_thresholds():
        for detainee_id in list(_due(days, now)):
            written += _alert(detainee_id, days, now)
    return written


def _alert(detainee_id, days: int, now: datetime) -> int:
    try:
        with transaction.atomic():
            detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
            # Read again under the lock: a proof of life or a release may have come in meanwhile.
            if detainee.status not in CAPTIVE_STATUSES or detainee.proof_of_life_clock > now - timedelta(days=days):
                return 0
            last = detainee.proofs_of_life.order_by("-observed_at").first()
            event = event_emit(
                type=EventType.DETAINEE_PROOF_OF_LIFE_OVERDUE,
                detainee=detainee,
                data={
                    "detainee": detainee_summary(detainee),
                    "days": days,
                    "without_proof_of_life_since": detainee.proof_of_life_clock.isoformat(),
                    "days_without": (now - detainee.proof_of_life_clock).days,
                    "last_proof_of_life": None
                    if last is None
                    else {
                        "observed_at": last.observed_at.isoformat(),
                        "kind": last.kind,
                        "confidence": last.confidence,
                    },
                },
            )
            OverdueAlert.objects.create(detainee=detainee, days=days, clock=detainee.proof_of_life_clock, event=event)
    except IntegrityError:  # another check wrote it first: its event stands, this one rolled back
        return 0
    return 1
