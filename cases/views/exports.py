"""Exports of exactly the rows a list shows (the same filters): CSV streamed, XLSX built in memory."""

import csv
import io
from collections.abc import Iterator

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from cases.choices import DO_NOT_DISCLOSE
from cases.filtersets import FILTER_PARAMETERS, REPEATABLE_PARAMETERS, DetaineeFilter
from cases.models import Detainee
from cases.representations import DETAINEE_COLUMNS, citizenship_codes, detainee_documents
from core.access import Viewer, viewer_of
from core.parameters import parameter_errors

HEADER = [
    "case_ref",
    "full_name",
    "citizenships",
    "status",
    "status_since",
    "do_not_disclose",
    "awaiting_confirmation",
    "in_conflict",
    "last_proof_of_life",
    "sex",
    "date_of_birth",
    "abducted_at",
    "abduction_place",
    "channels",
    "name_variants",
    "updated_at",
    "id",
]
CHUNK = 2000


def _rows(request) -> Iterator[list[str]] | None:
    viewer = viewer_of(request.user)
    filterset = DetaineeFilter(request.GET, viewer=viewer)
    refused = parameter_errors(request.GET, allowed=FILTER_PARAMETERS, repeatable=REPEATABLE_PARAMETERS)
    if refused or not filterset.is_valid():
        return None
    order = [f"{'-' if desc else ''}{column}" for column, desc in filterset.sort_spec]
    queryset = filterset.qs.only(*DETAINEE_COLUMNS).order_by(*order)

    def generate():
        # Chunks of detainees with their related rows in four queries each, never the whole set in
        # memory: an export of 100,000 rows streams.
        batch: list[Detainee] = []
        for detainee in queryset.iterator(chunk_size=CHUNK):
            batch.append(detainee)
            if len(batch) == CHUNK:
                yield from _documents_as_rows(batch, viewer)
                batch = []
        if batch:
            yield from _documents_as_rows(batch, viewer)

    return generate()


def _documents_as_rows(batch: list[Detainee], viewer: Viewer) -> Iterator[list[str]]:
    for doc in detainee_documents(batch, viewer):
        yield [
            doc["case_ref"],
            doc["full_name"],
            " ".join(citizenship_codes(doc["citizenships"])),
            doc["status"],
            doc["status_since"] or "",
            DO_NOT_DISCLOSE if doc.get("withheld_until_family_informed") else "",
            _yes(doc.get("awaiting_confirmation")),
            _yes(doc.get("in_conflict")),
            doc["last_proof_of_life"]["observed_at"] if doc["last_proof_of_life"] else "",
            doc["sex"],
            doc["date_of_birth"] or "",
            doc["abducted_at"] or "",
            doc["abduction_place"],
            "; ".join(f"{c['name']} ({c['role']})" for c in doc["channels"]),
            "; ".join(f"{v['name']} [{v['script']}]" for v in doc["name_variants"]),
            doc["updated_at"],
            doc["id"],
        ]


def _yes(flag: bool | None) -> str:
    return "yes" if flag else ""


def _bad_filters(request):
    return render(request, "cases/export_error.html", status=400)


def _filename(extension: str) -> str:
    return f"detainees-{timezone.now():%Y%m%d-%H%M%S}.{extension}"


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """Every cell a string, never a formula: a name such as =HYPERLINK(...) arrives on lists other
    governments hand over, and openpyxl writes a value starting with = as a live formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


class _Echo:
    def write(self, value):
        return value


@permission_required("cases.export_detainees", raise_exception=True)
def export_csv(request):
    rows = _rows(request)
    if rows is None:
        return _bad_filters(request)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8 (Cyrillic, Hebrew, Arabic names)
        yield writer.writerow(HEADER)
        for row in rows:
            # A leading =, +, - or @ would be a formula in a spreadsheet: neutralise it.
            yield writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@permission_required("cases.export_detainees", raise_exception=True)
def export_xlsx(request):
    rows = _rows(request)
    if rows is None:
        return _bad_filters(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Detainees")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
