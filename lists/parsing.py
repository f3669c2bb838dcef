"""Reading a delivered list: CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX.

Columns are found by header, whatever their case: `full_name` (required), `other_names` (`;`
between names), `date_of_birth` (ISO date), `citizenships` (alpha-2 codes, comma-separated), `sex`,
`note`; any other column is kept with its row. A file that cannot be a list is refused as a whole,
saying why; a row that is wrong is kept, with what is wrong with it.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django_countries import countries

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
KNOWN = ("full_name", "other_names", "date_of_birth", "citizenships", "sex", "note")
SEXES = {"female": "female", "male": "male", "unknown": "unknown", "f": "female", "m": "male"}


class FileRefused(Exception):
    """A file that cannot be read as a list; the message says what is wrong with it."""


@dataclass
class ParsedRow:
    row: int
    full_name: str = ""
    other_names: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    citizenships: list[str] = field(default_factory=list)
    sex: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _format_of(name: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def _csv_records(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"The file is not UTF-8 (byte {exc.start} cannot be read). Save it as CSV UTF-8 and upload it again."
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_records(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:
        raise FileRefused(f"The file is not a readable XLSX workbook ({type(exc).__name__}).") from exc
    records = []
    for values in sheet.iter_rows(values_only=True):
        records.append(["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v)) for v in values])
    return records


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def _row(number: int, record: list[str], columns: dict[str, int], extra_columns: dict[str, int]) -> ParsedRow:
    row = ParsedRow(row=number)
    row.full_name = _cell(record, columns["full_name"])
    if not row.full_name:
        row.problems.append("no full_name")
    row.other_names = [n.strip() for n in _cell(record, columns.get("other_names")).split(";") if n.strip()]
    born = _cell(record, columns.get("date_of_birth"))
    if born:
        try:
            row.date_of_birth = date.fromisoformat(born)
        except ValueError:
            row.problems.append(f"date_of_birth '{born}' is not a date (YYYY-MM-DD)")
        else:
            if row.date_of_birth > date.today():
                row.problems.append(f"date_of_birth {born} is in the future")
                row.date_of_birth = None
    for code in (c.strip().upper() for c in _cell(record, columns.get("citizenships")).replace(";", ",").split(",")):
        if not code:
            continue
        if code in countries:
            row.citizenships.append(code)
        else:
            row.problems.append(f"citizenship '{code}' is not an ISO 3166-1 alpha-2 code")
    sex = _cell(record, columns.get("sex")).lower()
    if sex:
        if sex in SEXES:
            row.sex = SEXES[sex]
        else:
            row.problems.append(f"sex '{sex}' is not female, male or unknown")
    row.note = _cell(record, columns.get("note"))
    row.extra = {name: _cell(record, index) for name, index in extra_columns.items() if _cell(record, index)}
    return row


def parse_list(name: str, content: bytes) -> tuple[str, list[ParsedRow]]:
    """The file's format and its rows; FileRefused if it cannot be a list."""
    if len(content) > MAX_BYTES:
        raise FileRefused(f"The file is {len(content):,} bytes; a list may be at most {MAX_BYTES:,} (10 MB).")
    file_format = _format_of(name, content)
    records = _xlsx_records(content) if file_format == "xlsx" else _csv_records(content)
    # Each record with its line in the file, blank lines left out.
    records = [(n + 1, r) for n, r in enumerate(records) if any(cell.strip() for cell in r)]
    if not records:
        raise FileRefused("The file is empty: it needs a header row with a full_name column, and rows.")
    header = [h.strip().lower().replace(" ", "_") for h in records[0][1]]
    if "full_name" not in header:
        found = ", ".join(h for h in header if h) or "none"
        raise FileRefused(f"The file has no full_name column. Columns found: {found}.")
    if len(records) - 1 > MAX_ROWS:
        raise FileRefused(f"The file has {len(records) - 1:,} rows; a list may have at most {MAX_ROWS:,}.")
    columns = {name: header.index(name) for name in KNOWN if name in header}
    extra_columns = {h: i for i, h in enumerate(header) if h and h not in KNOWN}
    return file_format, [_row(line, record, columns, extra_columns) for line, record in records[1:]]
