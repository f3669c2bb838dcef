"""Reading the field-level history (django-simple-history) as a list of who changed what, when.

simple-history's own diff skips non-editable fields such as `status` and `version`, which are
exactly the ones a case officer needs to see, so the diff is done here over every tracked field.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_SKIPPED = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_api_token",
    "detainee",
    "created_by",
    "created_at",
    "updated_at",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    kind: str  # created / changed / deleted
    changes: list[FieldChange]


def _shown(field, value):
    """A value as a person reads it: choice labels, times in UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, list | tuple):  # several countries (a citizenship's withheld-from states)
        return ", ".join(getattr(item, "code", str(item)) for item in value) or None
    choices = dict(field.flatchoices or ()) if getattr(field, "choices", None) else None
    if choices and value in choices:
        return str(choices[value])
    return value


def record_changes(new, old, hidden: frozenset[str] = frozenset()) -> list[FieldChange]:
    """The tracked fields whose value differs between two historical records of one object."""
    changes = []
    for field in new.tracked_fields:
        if field.name in _SKIPPED or field.name in hidden:
            continue
        attname = field.attname
        before = getattr(old, attname) if old is not None else None
        after = getattr(new, attname)
        if before != after and not (before in (None, "") and after in (None, "")):
            if _is_user(field):  # who proposed or decided, by name rather than by number
                before, after = _username(before), _username(after)
            changes.append(FieldChange(field.name, _shown(field, before), _shown(field, after)))
    return changes


def _is_user(field) -> bool:
    from django.contrib.auth import get_user_model

    return field.is_relation and field.related_model is get_user_model()


def _username(user_id):
    from django.contrib.auth import get_user_model

    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).only("username").first()
    return user.get_username() if user else user_id


def history_entries(records, hidden: frozenset[str] = frozenset()) -> list[HistoryEntry]:
    """Entries, newest first, from historical records ordered newest first. `hidden` fields (the
    internal notes, for analysts) are left out, and so is an entry that changed only those."""
    records = list(records)
    entries = []
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = record_changes(record, previous if record.history_type != "+" else None, hidden)
        if record.history_type == "~" and not changes:
            continue
        actor = record.history_user.get_username() if record.history_user else "system"
        entries.append(HistoryEntry(record.history_date, actor, kinds[record.history_type], changes))
    return entries
