"""Lists as PFIF documents (People Finder Interchange Format 1.2, 1.3 or 1.4).

Each `person` is a row: `full_name` (or the given and family names, or PFIF 1.2's first and last),
`alternate_names` (one a line) as the other names, `sex`, `date_of_birth` (only a full date is a
date of birth to match on; a year or a month is kept with the row), `home_country` as its
citizenship. Its notes — nested in it, or top-level ones naming its `person_record_id` — are kept
with the row, as are its record id and source.
"""

import re
import xml.etree.ElementTree as ET

from interchange.pfif import NAMESPACES
from lists.parsing.rows import MAX_ROWS, FileRefused, ParsedRow

_NOTE_FIELDS = ("note_record_id", "entry_date", "author_name", "source_date", "status", "text")
_KEPT_FIELDS = ("person_record_id", "source_name", "source_date", "source_url", "description")


def _document(content: bytes) -> ET.Element:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"The file is not UTF-8 (byte {exc.start} cannot be read).") from exc
    # A PFIF document needs no DTD; one that declares entities could make a parser expand them.
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise FileRefused("The XML file declares a DOCTYPE or entities; a PFIF document has none.")
    try:
        return ET.fromstring(text)  # noqa: S314 - see above
    except ET.ParseError as exc:
        raise FileRefused(f"The file is not well-formed XML ({exc}).") from exc


def _namespace(root: ET.Element) -> str:
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace not in NAMESPACES or root.tag != f"{{{namespace}}}pfif":
        raise FileRefused(
            "The XML file is not a PFIF document: its root must be <pfif> in the namespace "
            "http://zesty.ca/pfif/1.4 (or 1.2, 1.3)."
        )
    return namespace


def _fields(element: ET.Element, namespace: str) -> dict[str, str]:
    prefix = f"{{{namespace}}}"
    return {
        child.tag.removeprefix(prefix): (child.text or "").strip()
        for child in element
        if child.tag.startswith(prefix) and len(child) == 0
    }


def _note(element: ET.Element, namespace: str) -> dict[str, str]:
    fields = _fields(element, namespace)
    return {name: fields[name] for name in _NOTE_FIELDS if fields.get(name)}


def _row(number: int, fields: dict[str, str], notes: list[dict]) -> ParsedRow:
    row = ParsedRow(row=number)
    given = fields.get("given_name") or fields.get("first_name", "")
    family = fields.get("family_name") or fields.get("last_name", "")
    row.set_full_name(fields.get("full_name") or f"{given} {family}")
    row.other_names = [n.strip() for n in fields.get("alternate_names", "").splitlines() if n.strip()]
    born = fields.get("date_of_birth", "")
    if re.fullmatch(r"\d{4}(-\d{2})?", born):
        row.extra["date_of_birth_partial"] = born  # a year or a month: not enough to match on
    else:
        row.set_date_of_birth(born)
    row.set_citizenships([fields.get("home_country", "")])
    row.set_sex(fields.get("sex", ""))
    row.note = fields.get("description", "")
    row.extra.update({name: fields[name] for name in _KEPT_FIELDS if fields.get(name)})
    if notes:
        row.extra["notes"] = notes
    return row


def pfif_rows(content: bytes) -> list[ParsedRow]:
    root = _document(content)
    namespace = _namespace(root)
    persons = root.findall(f"{{{namespace}}}person")
    if not persons:
        raise FileRefused("The PFIF document has no person records.")
    if len(persons) > MAX_ROWS:
        raise FileRefused(f"The file has {len(persons):,} persons; a list may have at most {MAX_ROWS:,}.")
    loose: dict[str, list[dict]] = {}
    for element in root.findall(f"{{{namespace}}}note"):
        fields = _fields(element, namespace)
        loose.setdefault(fields.get("person_record_id", ""), []).append(_note(element, namespace))
    rows = []
    for number, person in enumerate(persons, start=1):
        fields = _fields(person, namespace)
        notes = [_note(n, namespace) for n in person.findall(f"{{{namespace}}}note")]
        notes += loose.get(fields.get("person_record_id", ""), []) if fields.get("person_record_id") else []
        rows.append(_row(number, fields, notes))
    return rows
