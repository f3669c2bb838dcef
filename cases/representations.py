"""Detainee documents as the API returns them, assembled from plain column values.

A page of 100 detainees is read with four queries (the page, citizenships, name variants, channel
links) and built as dicts directly: model instances and DRF field machinery cost more than the SQL
itself. DetaineeSerializer describes the same shape for the OpenAPI schema; the schema tests check
that both agree.
"""

from collections import defaultdict
from datetime import date, datetime

from cases.models import ChannelMembership, Citizenship, Detainee, NameVariant
from core.access import Viewer, hidden_fields

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


def detainee_documents(detainees: list[Detainee], viewer: Viewer) -> list[dict]:
    ids = [d.pk for d in detainees]
    citizenships: dict = defaultdict(list)
    for detainee_id, country in (
        Citizenship.objects.filter(detainee_id__in=ids).order_by("country").values_list("detainee_id", "country")
    ):
        citizenships[detainee_id].append(country)
    variants: dict = defaultdict(list)
    for detainee_id, name, script in (
        NameVariant.objects.filter(detainee_id__in=ids)
        .order_by("script", "name")
        .values_list("detainee_id", "name", "script")
    ):
        variants[detainee_id].append({"name": name, "script": script})
    channels: dict = defaultdict(list)
    for detainee_id, channel_id, channel_name, role in (
        ChannelMembership.objects.filter(detainee_id__in=ids)
        .order_by("channel__name", "role")
        .values_list("detainee_id", "channel_id", "channel__name", "role")
    ):
        channels[detainee_id].append({"id": str(channel_id), "name": channel_name, "role": role})
    hidden = hidden_fields(viewer)
    documents = []
    for d in detainees:
        document = {
            "id": str(d.pk),
            "case_ref": d.case_ref,
            "full_name": d.full_name,
            "name_variants": variants[d.pk],
            "sex": d.sex,
            "date_of_birth": _day(d.date_of_birth),
            "citizenships": citizenships[d.pk],
            "status": d.status,
            "status_since": _time(d.status_since),
            "abducted_at": _time(d.abducted_at),
            "abduction_place": d.abduction_place,
            "channels": channels[d.pk],
            "version": d.version,
            "updated_at": _time(d.updated_at),
        }
        if "notes" not in hidden:
            document["notes"] = d.notes
        documents.append(document)
    return documents
