"""PFIF 1.4 over the API: the detainees the detainee filters select, as the caller may learn them."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from cases.api.detainees import filtered_detainees
from cases.api.schema import CONDITIONAL_GET, DETAINEE_FILTERS, LIST_PROBLEMS
from cases.filtersets import FILTER_PARAMETERS, REPEATABLE_PARAMETERS
from cases.representations import DETAINEE_COLUMNS
from core.api import ApiView, collection_etag, viewer_of
from interchange.pfif import pfif_document
from partners.choices import DisclosureVia
from partners.disclosures import collecting, disclosure_record
from partners.principals import PartnerPrincipal

PFIF_MEDIA_TYPE = "application/xml"


def _logged(document, request):
    """A partner's document is streamed after the view returns: what it disclosed is logged once it
    has been sent whole."""
    with collecting() as contents:
        yield from document
    detainees, events = contents()
    disclosure_record(
        partner=request.user.partner,
        via=DisclosureVia.API,
        target=request.get_full_path(),
        detainees=detainees,
        events=events,
        token=request.user.token,
    )


class PfifView(ApiView):
    allowed_parameters = FILTER_PARAMETERS
    repeatable_parameters = REPEATABLE_PARAMETERS

    @extend_schema(
        operation_id="pfif_export",
        parameters=[*DETAINEE_FILTERS, *CONDITIONAL_GET],
        responses={
            (200, PFIF_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description="A PFIF 1.4 document."),
            **LIST_PROBLEMS,
        },
        description="The detainees the filters select as a PFIF 1.4 document (namespace http://zesty.ca/pfif/1.4): "
        "one `person` per detainee the caller may see, one `note` per status change it may see. A partner's "
        "scope and family first apply as everywhere in the API.",
    )
    def get(self, request):
        viewer = viewer_of(request)

        def build():
            filterset = filtered_detainees(request, viewer)
            order = [f"{'-' if desc else ''}{column}" for column, desc in filterset.sort_spec]
            detainees = filterset.qs.only(*DETAINEE_COLUMNS).order_by(*order).iterator(chunk_size=500)
            document = pfif_document(detainees, viewer)
            if isinstance(request.user, PartnerPrincipal):
                document = _logged(document, request)
            return StreamingHttpResponse(document, content_type=PFIF_MEDIA_TYPE)

        return self.conditional(request, collection_etag(request, viewer), build)
