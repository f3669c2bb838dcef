"""PFIF 1.4 in the browser: the detainee list's rows (the same filters) as a download."""

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from cases.filtersets import FILTER_PARAMETERS, REPEATABLE_PARAMETERS, DetaineeFilter
from cases.representations import DETAINEE_COLUMNS
from core.access import viewer_of
from core.parameters import parameter_errors
from interchange.pfif import pfif_document


@permission_required("cases.export_detainees", raise_exception=True)
def export_pfif(request):
    viewer = viewer_of(request.user)
    filterset = DetaineeFilter(request.GET, viewer=viewer)
    refused = parameter_errors(request.GET, allowed=FILTER_PARAMETERS, repeatable=REPEATABLE_PARAMETERS)
    if refused or not filterset.is_valid():
        return render(request, "cases/export_error.html", status=400)
    order = [f"{'-' if desc else ''}{column}" for column, desc in filterset.sort_spec]
    detainees = filterset.qs.only(*DETAINEE_COLUMNS).order_by(*order).iterator(chunk_size=500)
    response = StreamingHttpResponse(pfif_document(detainees, viewer), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="detainees-{timezone.now():%Y%m%d-%H%M%S}.pfif.xml"'
    return response
