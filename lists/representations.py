"""The shapes of a delivered list and of its rows, for the API and the review pages alike."""

from typing import Any

from cases.representations import iso_day, iso_time
from lists.models import DeliveredList, ListEntry


def list_document(delivered: DeliveredList, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": str(delivered.pk),
        "channel": str(delivered.channel_id),
        "channel_name": delivered.channel.name,
        "direction": delivered.direction,
        "delivered_by": delivered.delivered_by,
        "delivered_at": iso_time(delivered.delivered_at),
        "file_name": delivered.file_name,
        "file_format": delivered.file_format,
        "sha256": delivered.sha256,
        "row_count": delivered.row_count,
        "status": delivered.status,
        "progress": {"done": delivered.rows_matched, "total": delivered.row_count},
        "error": delivered.error or None,
        "counts": counts,
        "uploaded_at": iso_time(delivered.created_at),
        "uploaded_by": delivered.created_by.get_username() if delivered.created_by else None,
    }


def entry_document(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "row": entry.row,
        "full_name": entry.full_name,
        "other_names": entry.other_names,
        "date_of_birth": iso_day(entry.date_of_birth),
        "citizenships": entry.citizenships,
        "sex": entry.sex or None,
        "note": entry.note,
        "extra": entry.extra,
        "problems": entry.problems,
        "match": entry.label or None,
        "candidates": [{**c, "rejected": c["detainee"] in entry.rejected_ids} for c in entry.candidates],
        "decision": entry.decision or None,
        "detainee": str(entry.detainee_id) if entry.detainee_id else None,
        "decided_by": entry.decided_by.get_username() if entry.decided_by else None,
        "decided_at": iso_time(entry.decided_at),
        "remembered_from": _remembered(entry),
        "claim": str(entry.claim_id) if entry.claim_id else None,
    }


def _remembered(entry: ListEntry) -> dict[str, Any] | None:
    """Where a decision carried over from: the earlier list and row."""
    if entry.decision == "" or entry.decided_by_id is not None or entry.remembered_from_id is None:
        return None
    earlier = entry.remembered_from
    return {"list": str(earlier.delivered_list_id), "entry": earlier.pk, "row": earlier.row}


def _compared(entry: ListEntry, person: str) -> dict[str, Any]:
    return {
        "entry": entry.pk,
        "row": entry.row,
        "full_name": entry.full_name,
        "detainee": person.removeprefix("detainee:") if person.startswith("detainee:") else None,
    }


def comparison_document(delivered: DeliveredList, other: DeliveredList | None, comparison) -> dict[str, Any]:
    """How `delivered` compares with `other` (lists.selectors.list_compare): who was added, dropped, kept."""
    return {
        "list": str(delivered.pk),
        "other": str(other.pk) if other else None,
        "added": [_compared(e, p) for e, p in comparison.added],
        "dropped": [_compared(e, p) for e, p in comparison.dropped],
        "unchanged": [
            {**_compared(mine, p), "other_entry": theirs.pk, "other_row": theirs.row}
            for mine, theirs, p in comparison.unchanged
        ],
    }
