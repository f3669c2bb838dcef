"""The shapes of a case, built once for every channel: the detainee document (API, browser, exports),
and what events say about a detainee, a channel and a status change (feed, webhooks, emails).

Detainee documents are assembled from plain column values.

A page of 100 detainees is read with two queries (the page; its citizenships, name variants and
channel links together) and built as dicts directly: model instances and DRF field machinery cost more than the SQL
itself. DetaineeSerializer describes the same shape for the OpenAPI schema; the schema tests check
that both agree.
"""

from datetime import date, datetime
from typing import Any

import orjson
from django.db import connection

from cases.models import ChannelMembership, Citizenship, Detainee, NameVariant, NegotiationChannel, StatusChange
from core.access import Viewer, hidden_fields, recorder_label

DETAINEE_COLUMNS = (
    "id",
    "case_ref",
    "full_name",
    "sex",
    "date_of_birth",
    "status",
    "status_since",
    "abducted_at",
    "abduction_place",
    "notes",
    "version",
    "updated_at",
    "created_at",
)


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# A page's related rows in one round trip, the ids as one array parameter (not 100 literals in each
# of three queries), as one JSON text decoded at once: on a partner's page of 100 that was a third of
# the request's time.
_RELATED_SQL = """
SELECT coalesce(json_object_agg(d.id, json_build_array(
    ARRAY(SELECT c.country FROM cases_citizenship c WHERE c.detainee_id = d.id ORDER BY c.country),
    (SELECT coalesce(json_agg(json_build_object('name', v.name, 'script', v.script) ORDER BY v.script, v.name), '[]')
     FROM cases_namevariant v WHERE v.detainee_id = d.id),
    (SELECT coalesce(json_agg(json_build_object('id', m.channel_id, 'name', ch.name, 'role', m.role)
                              ORDER BY ch.name, m.role), '[]')
     FROM cases_channelmembership m JOIN cases_negotiationchannel ch ON ch.id = m.channel_id
     WHERE m.detainee_id = d.id)
)), '{}')::text
FROM unnest(%s::uuid[]) AS d(id)
"""


def _related(ids: list) -> dict[Any, tuple[list, list, list]]:
    """{detainee id: (citizenships, name variants, channel links)}."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_RELATED_SQL, [ids])
            by_id = orjson.loads(cursor.fetchone()[0])
        return {detainee_id: by_id[str(detainee_id)] for detainee_id in ids}
    related: dict = {detainee_id: ([], [], []) for detainee_id in ids}
    for detainee_id, country in (
        Citizenship.objects.filter(detainee_id__in=ids).order_by("country").values_list("detainee_id", "country")
    ):
        related[detainee_id][0].append(country)
    for detainee_id, name, script in (
        NameVariant.objects.filter(detainee_id__in=ids)
        .order_by("script", "name")
        .values_list("detainee_id", "name", "script")
    ):
        related[detainee_id][1].append({"name": name, "script": script})
    for detainee_id, channel_id, channel_name, role in (
        ChannelMembership.objects.filter(detainee_id__in=ids)
        .order_by("channel__name", "role")
        .values_list("detainee_id", "channel_id", "channel__name", "role")
    ):
        related[detainee_id][2].append({"id": str(channel_id), "name": channel_name, "role": role})
    return related


def detainee_documents(detainees: list[Detainee], viewer: Viewer) -> list[dict]:
    related = _related([d.pk for d in detainees])
    hidden = hidden_fields(viewer)
    documents = []
    for d in detainees:
        citizenships, variants, channels = related[d.pk]
        document = {
            "id": str(d.pk),
            "case_ref": d.case_ref,
            "full_name": d.full_name,
            "name_variants": variants,
            "sex": d.sex,
            "date_of_birth": _day(d.date_of_birth),
            "citizenships": citizenships,
            "status": d.status,
            "status_since": _time(d.status_since),
            "abducted_at": _time(d.abducted_at),
            "abduction_place": d.abduction_place,
            "channels": channels,
            "version": d.version,
            "updated_at": _time(d.updated_at),
        }
        if "notes" not in hidden:
            document["notes"] = d.notes
        documents.append(document)
    return documents


# --- What events say (stored with the event; core.access renders them per reader) -----------------


def detainee_summary(detainee: Detainee) -> dict[str, Any]:
    """What an event says about a detainee: never the internal notes."""
    return {
        "case_ref": detainee.case_ref,
        "full_name": detainee.full_name,
        "status": detainee.status,
        "status_since": detainee.status_since.isoformat(),
        "citizenships": sorted(detainee.citizenships.values_list("country", flat=True)),
        "version": detainee.version,
    }


def channel_summary(channel: NegotiationChannel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "mediator": channel.mediator,
        "counterpart": channel.counterpart,
        "place": channel.place,
        "status": channel.status,
    }


def status_change_payload(change: StatusChange) -> dict:
    return {
        "id": str(change.id),
        "from_status": change.from_status,
        "to_status": change.to_status,
        "occurred_at": change.occurred_at.isoformat(),
        "recorded_at": change.recorded_at.isoformat(),
        "confidence": change.confidence,
        "source": change.source,
        "source_url": change.source_url,
        "channel": str(change.channel_id) if change.channel_id else None,
        "is_correction": change.is_correction,
        "correction_reason": change.correction_reason,
    }


def status_change_document(change: StatusChange, viewer: Viewer) -> dict[str, Any]:
    """A status change as the API shows it: what its event says, with its place in the chain, its note
    and who recorded it (core.access decides whether this reader may know); times in UTC with `Z`.
    StatusChangeSerializer describes the same shape for the OpenAPI schema."""
    return status_change_payload(change) | {
        "detainee": str(change.detainee_id),
        "sequence": change.sequence,
        "occurred_at": _time(change.occurred_at),
        "recorded_at": _time(change.recorded_at),
        "recorded_by": recorder_label(viewer, change),
        "note": change.note,
    }
