"""A row of a delivered list as read from its file, whatever the format, and the limits of a file.

A value that is wrong is left out of the row and said in its `problems`: the row is kept and
flagged, never the reason a whole list is refused.
"""

from dataclasses import dataclass, field
from datetime import date

from django_countries import countries

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
SEXES = {"female": "female", "male": "male", "unknown": "unknown", "f": "female", "m": "male", "other": "unknown"}


class FileRefused(Exception):
    """A file that cannot be read as a list; the message says what is wrong with it."""


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise FileRefused(f"The file is {size:,} bytes; a list may be at most {MAX_BYTES:,} (10 MB).")


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

    def set_full_name(self, text: str) -> None:
        self.full_name = " ".join(text.split())
        if not self.full_name:
            self.problems.append("no full_name")

    def set_date_of_birth(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        try:
            born = date.fromisoformat(text)
        except ValueError:
            self.problems.append(f"date_of_birth '{text}' is not a date (YYYY-MM-DD)")
            return
        if born > date.today():
            self.problems.append(f"date_of_birth {text} is in the future")
            return
        self.date_of_birth = born

    def set_citizenships(self, codes: list[str]) -> None:
        for code in (c.strip().upper() for c in codes):
            if not code or code in self.citizenships:
                continue
            if code in countries:
                self.citizenships.append(code)
            else:
                self.problems.append(f"citizenship '{code}' is not an ISO 3166-1 alpha-2 code")

    def set_sex(self, text: str) -> None:
        text = text.strip().lower()
        if not text:
            return
        if text in SEXES:
            self.sex = SEXES[text]
        else:
            self.problems.append(f"sex '{text}' is not female, male or unknown")
