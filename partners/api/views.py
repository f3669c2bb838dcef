"""The disclosure log over the API, for admins: what partners were told, by whom, when."""

from uuid import UUID

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases.api.schema import CONDITIONAL_GET, CURSOR_PARAMETERS, LIST_PROBLEMS, paginated
from core import etags
from core.api import InternalApiView
from core.pagination import page_size_of, paginate
from core.problems import BadQuery
from partners.api.serializers import DisclosureSerializer
from partners.models import Disclosure, Partner
from partners.representations import disclosure_document
from partners.selectors import disclosures_of


def _filters(params) -> dict:
    errors, filters = {}, {}
    if params.get("partner"):
        partner = Partner.objects.filter(pk=params["partner"]).first() if params["partner"].isdigit() else None
        if partner is None:
            errors["partner"] = ["No such partner (give its id)."]
        filters["partner"] = partner
    if params.get("detainee"):
        try:
            filters["detainee"] = UUID(params["detainee"])
        except ValueError:
            errors["detainee"] = ["Give a detainee's id."]
    if params.get("since"):
        since = parse_datetime(params["since"])
        if since is None or since.tzinfo is None:
            errors["since"] = ["Give an ISO 8601 time with its offset."]
        filters["since"] = since
    if errors:
        raise BadQuery(errors)
    return filters


class DisclosureListView(InternalApiView):
    allowed_parameters = frozenset({"partner", "detainee", "since", "page_size", "cursor"})

    @extend_schema(
        operation_id="disclosures_list",
        parameters=[
            OpenApiParameter("partner", OpenApiTypes.INT, description="One partner's answers (its id)."),
            OpenApiParameter("detainee", OpenApiTypes.UUID, description="Answers that named this detainee."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Answers from this time on."),
            *CURSOR_PARAMETERS,
            *CONDITIONAL_GET,
        ],
        responses={200: paginated(DisclosureSerializer), **LIST_PROBLEMS},
        description="The disclosure log, newest first: every answer to a partner's token and every webhook "
        "delivered, with the detainees (and events) it disclosed. Admins only.",
    )
    def get(self, request):
        if not request.user.has_perm("partners.view_disclosure"):
            raise PermissionDenied("Only admins read the disclosure log.")
        filters = _filters(request.query_params)
        latest = Disclosure.objects.order_by("-id").values_list("id", flat=True).first()
        query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
        etag = etags.make_etag(request.path, query, latest)

        def build():
            page = paginate(disclosures_of(**filters), request, [("at", True), ("id", True)], page_size_of(request))
            return Response(page.body([disclosure_document(d) for d in page.items]))

        return self.conditional(request, etag, build)
