"""Lists as tables: CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX.

Columns are found by header, whatever their case: `full_name` (required), `other_names` (`;`
between names), `date_of_birth` (ISO date), `citizenships` (alpha-2 codes, comma-separated), `sex`,
`note`; any other column is kept with its row.
"""

import csv
import io
from datetime import date

from lists.parsing.rows import MAX_ROWS, FileRefused, ParsedRow

KNOWN = ("full_name", "other_names", "date_of_birth", "citizenships", "sex", "note")


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
    row.set_full_name(_cell(record, columns["full_name"]))
    row.other_names = [n.strip() for n in _cell(record, columns.get("other_names")).split(";") if n.strip()]
    row.set_date_of_birth(_cell(record, columns.get("date_of_birth")))
    row.set_citizenships(_cell(record, columns.get("citizenships")).replace(";", ",").split(","))
    row.set_sex(_cell(record, columns.get("sex")))
    row.note = _cell(record, columns.get("note"))
    row.extra = {name: _cell(record, index) for name, index in extra_columns.items() if _cell(record, index)}
    return row


def table_rows(file_format: str, content: bytes) -> list[ParsedRow]:
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
    return [_row(line, record, columns, extra_columns) for line, record in records[1:]]
