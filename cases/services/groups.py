"""Captivity groups: people known to be held together.

A group's members show it on their record (`groups`), so adding or removing a member, or renaming
the group, is an edit of each member concerned: its version moves and a `detainee.updated` event
(changed: groups) tells the feed and the webhooks, in each reader's scope.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.choices import Confidence
from cases.models import CaptivityGroup, CaptivityGroupMembership, Detainee
from cases.representations import detainee_summary
from core.errors import StaleVersion
from core.models import User

GROUP_FIELDS = ("name", "place", "since", "until", "source", "confidence")


def _members_changed(detainee_ids: list[UUID], actor: User | None) -> None:
    now = timezone.now()
    for detainee in Detainee.objects.select_for_update().filter(pk__in=detainee_ids).order_by("pk"):
        detainee.version += 1
        if detainee.withholding:
            detainee.disclosed_version += 1
            detainee.disclosed_updated_at = now
        detainee._history_user = actor
        detainee.save(update_fields=["version", "disclosed_version", "disclosed_updated_at", "updated_at"])
        event_emit(
            type=EventType.DETAINEE_UPDATED,
            detainee=detainee,
            actor=actor,
            data={"detainee": detainee_summary(detainee), "changed": ["groups"]},
        )


def _validate(group: CaptivityGroup) -> None:
    errors = {}
    if not group.name.strip():
        errors["name"] = "Give the group a name (e.g. where they were held)."
    if not group.source.strip():
        errors["source"] = "A source is required: say who told us they were held together."
    if group.confidence not in Confidence.values:
        errors["confidence"] = f"Use one of: {', '.join(Confidence.values)}."
    if group.since and group.until and group.until < group.since:
        errors["until"] = "The end cannot be before the start."
    today = timezone.now().date()
    for name in ("since", "until"):
        value: date | None = getattr(group, name)
        if value and value > today:
            errors[name] = "This date is in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(*, actor: User | None, members: list[UUID] = (), **fields) -> CaptivityGroup:
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"not a group field: {', '.join(sorted(unknown))}")
    group = CaptivityGroup(created_by=actor, **fields)
    group.name, group.source = group.name.strip(), group.source.strip()
    _validate(group)
    group._history_user = actor
    group.save()
    for detainee_id in dict.fromkeys(members):
        _add(group, detainee_id, actor)
    _members_changed(list(dict.fromkeys(members)), actor)
    return group


@transaction.atomic
def group_update(
    *, group_id: UUID, actor: User | None, expected_version: int | None = None, **fields
) -> CaptivityGroup:
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"not a group field: {', '.join(sorted(unknown))}")
    group = CaptivityGroup.objects.select_for_update().get(pk=group_id)
    if expected_version is not None and expected_version != group.version:
        raise StaleVersion(
            f"This group was changed by someone else since you loaded it (version {expected_version}, now "
            f"{group.version}).",
            current_version=group.version,
        )
    changed = [name for name, value in fields.items() if getattr(group, name) != value]
    if not changed:
        return group
    for name in changed:
        setattr(group, name, fields[name])
    _validate(group)
    group.version += 1
    group._history_user = actor
    group.save()
    if "name" in changed:  # the members' records show the group by its name
        _members_changed(list(group.memberships.values_list("detainee_id", flat=True)), actor)
    return group


def _add(group: CaptivityGroup, detainee_id: UUID, actor: User | None) -> CaptivityGroupMembership:
    if not Detainee.objects.filter(pk=detainee_id).exists():
        raise ValidationError({"detainee": "No such detainee."})
    membership = CaptivityGroupMembership(group=group, detainee_id=detainee_id, added_by=actor)
    membership._history_user = actor
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError({"detainee": "This person is in the group already."}) from exc
    return membership


@transaction.atomic
def group_member_add(*, group_id: UUID, detainee_id: UUID, actor: User | None) -> CaptivityGroupMembership:
    group = CaptivityGroup.objects.select_for_update().get(pk=group_id)
    membership = _add(group, detainee_id, actor)
    group.version += 1
    group.save(update_fields=["version", "updated_at"])
    _members_changed([detainee_id], actor)
    return membership


@transaction.atomic
def group_member_remove(*, group_id: UUID, detainee_id: UUID, actor: User | None) -> bool:
    group = CaptivityGroup.objects.select_for_update().get(pk=group_id)
    membership = group.memberships.filter(detainee_id=detainee_id).first()
    if membership is None:
        return False
    membership._history_user = actor
    membership.delete()
    group.version += 1
    group.save(update_fields=["version", "updated_at"])
    _members_changed([detainee_id], actor)
    return True
