"""A user's alert subscriptions and in-app notifications."""

import contextlib
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_countries import countries

from alerts.choices import SubscriptionKind
from alerts.models import Notification, Subscription
from cases.choices import Status
from cases.models import Detainee, NegotiationChannel
from core.models import User


def _resolve(kind: str, raw: str) -> str:
    """The stored value for what a person typed: a code, a status, or an object's id."""
    text = raw.strip()
    if kind == SubscriptionKind.NATIONALITY:
        code = text.upper() if text.upper() in countries else countries.by_name(text, insensitive=True)
        if not code:
            raise ValidationError({"value": f"{text!r} is neither a country code (RU) nor a country name (Russia)."})
        return code
    if kind == SubscriptionKind.PROOF_OF_LIFE_OVERDUE:
        if not text.isdigit() or not 1 <= int(text) <= 3650:
            raise ValidationError({"value": "A number of days without a proof of life, from 1 to 3650."})
        return str(int(text))
    if kind == SubscriptionKind.STATUS:
        wanted = text.lower().replace(" ", "_")
        for value, label in Status.choices:
            if wanted in (value, str(label).lower().replace(" ", "_")):
                return value
        raise ValidationError({"value": f"Not a status. Statuses: {', '.join(str(label) for label in Status.labels)}."})
    model, by_name = (
        (Detainee, "case_ref__iexact")
        if kind == SubscriptionKind.DETAINEE
        else (
            NegotiationChannel,
            "name__iexact",
        )
    )
    match = Q(**{by_name: text})
    with contextlib.suppress(ValueError):  # not an id: the name or case reference alone
        match |= Q(pk=uuid.UUID(text))
    found = model.objects.filter(match).values_list("pk", flat=True).first()
    if found is None and kind == SubscriptionKind.CHANNEL:
        # A unique part of a channel's name is enough ("Qatar", "Moscow").
        candidates = list(model.objects.filter(name__icontains=text).values_list("pk", flat=True)[:2])
        found = candidates[0] if len(candidates) == 1 else None
    if found is None:
        what = "case reference" if kind == SubscriptionKind.DETAINEE else "channel"
        raise ValidationError({"value": f"No {what} matches {text!r}."})
    return str(found)


@transaction.atomic
def subscription_create(*, user: User, kind: str, value: str, by_email: bool, in_app: bool) -> Subscription:
    if kind not in SubscriptionKind.values:
        raise ValidationError({"kind": "Unknown kind of subscription."})
    if by_email and not user.email:
        raise ValidationError({"by_email": "Your account has no email address; ask an admin to add one."})
    subscription = Subscription(user=user, kind=kind, value=_resolve(kind, value), by_email=by_email, in_app=in_app)
    subscription.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:
        raise ValidationError({"value": "You are already subscribed to this."}) from exc
    return subscription


def subscription_delete(*, user: User, subscription_id: int) -> bool:
    return Subscription.objects.filter(user=user, pk=subscription_id).delete()[0] > 0


def notifications_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
