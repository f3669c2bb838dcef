"""The disclosure log in the browser, for admins: what partners were told, per partner and per case."""

from uuid import UUID

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from core.pagination import paginate
from core.problems import BadQuery
from partners.models import Partner
from partners.representations import disclosure_document
from partners.selectors import disclosures_of

PAGE_SIZE = 100


def _log(request, partner: Partner | None):
    try:
        detainee = UUID(request.GET["detainee"]) if request.GET.get("detainee") else None
    except ValueError:
        detainee = None
    try:
        page = paginate(
            disclosures_of(partner=partner, detainee=detainee),
            request,
            [("at", True), ("id", True)],
            PAGE_SIZE,
            absolute=False,
        )
    except BadQuery:  # a cursor from another page: start again
        return redirect(request.path)
    context = {
        "rows": [disclosure_document(d) for d in page.items],
        "page": page,
        "partner": partner,
        "detainee": detainee,
        "partners": Partner.objects.order_by("name"),
    }
    return render(request, "partners/disclosures.html", context)


@permission_required("partners.view_disclosure", raise_exception=True)
def disclosures(request):
    partner_id = request.GET.get("partner", "")
    partner = Partner.objects.filter(pk=partner_id).first() if partner_id.isdigit() else None
    return _log(request, partner)


@permission_required("partners.view_disclosure", raise_exception=True)
def partner_disclosures(request, partner_id: int):
    return _log(request, get_object_or_404(Partner, pk=partner_id))
