"""Reading a delivered list: CSV or XLSX (lists.parsing.tables) or PFIF 1.2, 1.3 or 1.4 XML
(lists.parsing.pfif). A file that cannot be a list is refused as a whole, saying why; a row that is
wrong is kept, with what is wrong with it."""

from lists.parsing.pfif import pfif_rows
from lists.parsing.rows import MAX_BYTES, MAX_ROWS, FileRefused, ParsedRow, check_size
from lists.parsing.tables import table_rows

__all__ = ["MAX_BYTES", "MAX_ROWS", "FileRefused", "ParsedRow", "check_size", "parse_list"]


def _format_of(name: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return "xlsx"
    if name.lower().endswith(".xml") or content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return "pfif"
    return "csv"


def parse_list(name: str, content: bytes) -> tuple[str, list[ParsedRow]]:
    """The file's format and its rows; FileRefused if it cannot be a list."""
    check_size(len(content))
    file_format = _format_of(name, content)
    rows = pfif_rows(content) if file_format == "pfif" else table_rows(file_format, content)
    return file_format, rows
