"""PFIF 1.4, the People Finder Interchange Format (http://zesty.ca/pfif/1.4): its vocabulary, and a
document of detainees written in it.

One `person` per detainee the reader may see, with one `note` per status change the reader may see
(the same policy as the API: scope, family first). Fields in the order PFIF 1.4 defines them, its
mandatory fields always present, times in UTC with `Z`. A person's record id is
`<PFIF_DOMAIN>/<case ref>`; its `home_country` is the first citizenship (alphabetically) the reader
may see, since PFIF has room for one.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from django.conf import settings

from cases.choices import Confidence, Status
from cases.models import Detainee, StatusChange
from cases.representations import citizenship_codes, detainee_documents
from core.access import Viewer, status_changes_visible

NAMESPACE = "http://zesty.ca/pfif/1.4"
NAMESPACES = {f"http://zesty.ca/pfif/{version}": version for version in ("1.1", "1.2", "1.3", "1.4")}
PERSON_FIELDS = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
NOTE_FIELDS = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)
MANDATORY = {
    "person": ("person_record_id", "source_date", "full_name"),
    "note": ("note_record_id", "author_name", "source_date"),
}
NOTE_STATUSES = ("information_sought", "is_note_author", "believed_alive", "believed_missing", "believed_dead")
STATUS_NOTE = {
    Status.MISSING: "believed_missing",
    Status.HELD: "believed_alive",
    Status.RELEASE_PENDING: "believed_alive",
    Status.RELEASED: "believed_alive",
    Status.RESCUED: "believed_alive",
    Status.ESCAPED: "believed_alive",
    Status.DECEASED: "believed_dead",
    Status.REMAINS_RETURNED: "believed_dead",
    Status.NOT_HELD: "information_sought",
}
CHUNK = 500
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]")  # characters XML 1.0 cannot hold


def utc(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def record_id(case_ref: str) -> str:
    return f"{settings.PFIF_DOMAIN}/{case_ref}"


def _element(kind: str, fields: tuple[str, ...], values: dict[str, str], indent: str, children=()) -> str:
    """An element with its fields in the order PFIF defines, the empty ones left out but for the
    mandatory ones, then its child elements."""
    lines = [f"{indent}<pfif:{kind}>"]
    for name in fields:
        value = values.get(name) or ""
        if value or name in MANDATORY[kind]:
            lines.append(f"{indent}  <pfif:{name}>{escape(_NOT_XML.sub('', value))}</pfif:{name}>")
    lines += children
    lines.append(f"{indent}</pfif:{kind}>")
    return "\n".join(lines)


def _note(change: StatusChange, person_id: str) -> dict[str, str]:
    words = f"{Status(change.to_status).label} (was {Status(change.from_status).label.lower()})"
    if change.is_correction:
        words += ", a correction"
    text = f"{words}; {Confidence(change.confidence).label.lower()}. Source: {change.source}"
    return {
        "note_record_id": f"{settings.PFIF_DOMAIN}/{change.detainee.case_ref}.{change.sequence}",
        "person_record_id": person_id,
        "entry_date": utc(change.recorded_at),
        "author_name": settings.ORGANISATION_NAME,
        "source_date": utc(change.occurred_at),
        "status": STATUS_NOTE[change.to_status],
        "text": text + (f" ({change.source_url})" if change.source_url else ""),
    }


def _person(document: dict, created_at: datetime) -> dict[str, str]:
    return {
        "person_record_id": record_id(document["case_ref"]),
        "entry_date": utc(document["updated_at"]),
        "author_name": settings.ORGANISATION_NAME,
        "source_name": settings.ORGANISATION_NAME,
        "source_date": utc(created_at),
        "full_name": document["full_name"],
        "alternate_names": "\n".join(v["name"] for v in document["name_variants"]),
        "sex": document["sex"] if document["sex"] in ("female", "male") else "",
        "date_of_birth": document["date_of_birth"] or "",
        "home_country": next(iter(citizenship_codes(document["citizenships"])), ""),
    }


def _persons(batch: list[Detainee], viewer: Viewer) -> Iterator[str]:
    changes: dict[str, list[StatusChange]] = {}
    visible = status_changes_visible(viewer).filter(detainee__in=[d.pk for d in batch]).select_related("detainee")
    for change in visible.order_by("detainee", "sequence"):
        changes.setdefault(str(change.detainee_id), []).append(change)
    created = {str(d.pk): d.created_at for d in batch}
    for document in detainee_documents(batch, viewer):
        person = _person(document, created[document["id"]])
        notes = [
            _element("note", NOTE_FIELDS, _note(c, person["person_record_id"]), "    ")
            for c in changes.get(document["id"], [])
        ]
        yield _element("person", PERSON_FIELDS, person, "  ", notes) + "\n"


def pfif_document(detainees: Iterable[Detainee], viewer: Viewer) -> Iterator[str]:
    """The PFIF 1.4 document of these detainees, as this reader may learn them, in pieces (streamed:
    a chunk of detainees at a time, with their related rows and history in a few queries)."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="{NAMESPACE}">\n'
    batch: list[Detainee] = []
    for detainee in detainees:
        batch.append(detainee)
        if len(batch) == CHUNK:
            yield from _persons(batch, viewer)
            batch = []
    if batch:
        yield from _persons(batch, viewer)
    yield "</pfif:pfif>\n"
