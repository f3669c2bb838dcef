"""Family first: recording that the family was told releases a withheld death to partners.

Until then partners (and email) keep the picture they had before the death (or the return of
remains); from this moment they learn it through every channel at once, and the change feed and
webhooks carry the status changes as new events.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.choices import EventAudience, EventType
from alerts.services.events import event_emit
from cases.choices import FamilyNotificationMethod
from cases.models import Detainee, FamilyNotification
from cases.representations import detainee_summary, family_notification_document, status_change_payload
from core.errors import Conflict
from core.models import User
from partners.models import ApiToken


class NothingWithheld(Conflict):
    code = "nothing-withheld"


@transaction.atomic
def family_notification_record(
    *,
    detainee_id: UUID,
    informed_at: datetime | None,
    method: str,
    actor: User | None,
    token: ApiToken | None = None,
    note: str = "",
) -> FamilyNotification:
    now = timezone.now()
    informed_at = informed_at or now
    errors = {}
    if method not in FamilyNotificationMethod.values:
        errors["method"] = (
            f"'{method}' is not a way of informing. Use one of: {', '.join(FamilyNotificationMethod.values)}."
        )
    if timezone.is_naive(informed_at):
        errors["informed_at"] = "Give the time with its UTC offset."
    elif informed_at > now:
        errors["informed_at"] = "The family cannot have been informed in the future."
    if errors:
        raise ValidationError(errors)
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    if not detainee.withholding:
        raise NothingWithheld(
            "Nothing is withheld on this case: the family-first hold starts when a death (or the return of "
            "remains) is confirmed."
        )
    withheld = list(detainee.status_changes.filter(sequence__gt=detainee.disclosed_through).order_by("sequence"))
    first = withheld[0]
    if informed_at < first.occurred_at:
        raise ValidationError(
            {"informed_at": f"The family cannot have been told before it happened ({first.occurred_at.isoformat()})."}
        )
    notification = FamilyNotification.objects.create(
        detainee=detainee,
        informed_at=informed_at,
        method=method,
        note=note,
        recorded_at=now,
        recorded_by=actor,
        recorded_by_token=token,
        disclosed_through=withheld[-1].sequence,
    )
    detainee.withholding = False
    detainee.disclosed_status = detainee.disclosed_status_since = None
    detainee.disclosed_version = detainee.disclosed_updated_at = detainee.disclosed_through = None
    detainee.version += 1
    detainee._history_user = actor
    detainee.save(
        update_fields=[
            "withholding",
            "disclosed_status",
            "disclosed_status_since",
            "disclosed_version",
            "disclosed_updated_at",
            "disclosed_through",
            "version",
            "updated_at",
        ]
    )
    event_emit(
        type=EventType.DETAINEE_FAMILY_INFORMED,
        detainee=detainee,
        actor=actor,
        data={
            "detainee": detainee_summary(detainee, internal=True),
            "family_notification": family_notification_document(notification),
        },
    )
    # What partners and email learn now, as news of this moment: each change they were not told of.
    summary = detainee_summary(detainee)
    for change in withheld:
        event_emit(
            type=EventType.DETAINEE_STATUS_CHANGED,
            detainee=detainee,
            channel=change.channel,
            actor=actor,
            audience=EventAudience.DISCLOSURE,
            data={"detainee": summary, "status_change": status_change_payload(change)},
        )
    return notification
