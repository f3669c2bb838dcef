"""The API for detainees, their status history, and the stats over them."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases.api.fact_serializers import PendingStatusChangeSerializer
from cases.api.schema import (
    CONDITIONAL_GET,
    CURSOR_PARAMETERS,
    DETAINEE_FILTERS,
    IF_MATCH,
    LIST_PROBLEMS,
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    paginated,
)
from cases.api.serializers import (
    DetaineeSerializer,
    DetaineeWriteSerializer,
    StatsSerializer,
    StatusChangeSerializer,
    StatusChangeWriteSerializer,
)
from cases.filtersets import FILTER_PARAMETERS, REPEATABLE_PARAMETERS, DetaineeFilter
from cases.models import Detainee, PendingStatusChange
from cases.representations import DETAINEE_COLUMNS, detainee_documents, proposal_payload, status_change_document
from cases.selectors import STAT_DIMENSIONS, detainee_counts
from cases.services.detainees import NameVariantInput, detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from core import etags
from core.access import Viewer, detainees_visible, etag_state, status_history_visible
from core.api import ApiView, acting_token, acting_user, collection_etag, viewer_of
from core.pagination import page_size_of, paginate
from core.problems import BadQuery


def filtered_detainees(request, viewer: Viewer) -> DetaineeFilter:
    filterset = DetaineeFilter(request.query_params, viewer=viewer, request=request)
    if not filterset.is_valid():
        raise BadQuery(filterset.errors)
    return filterset


def detainee_etag(detainee: Detainee, viewer: Viewer) -> str:
    """One detainee's ETag: its version and its channel links (which do not raise its version)."""
    links = sorted(
        (str(channel_id), role, name, updated.isoformat())
        for channel_id, role, name, updated in detainee.channel_memberships.values_list(
            "channel_id", "role", "channel__name", "channel__updated_at"
        )
    )
    return etags.make_etag("detainee", detainee.pk, etag_state(viewer, detainee), viewer.cache_key, links)


class DetaineeListView(ApiView):
    allowed_parameters = FILTER_PARAMETERS | {"page_size", "cursor"}
    repeatable_parameters = REPEATABLE_PARAMETERS
    write_permissions = {"POST": "cases.add_detainee"}

    @extend_schema(
        operation_id="detainees_list",
        parameters=[*DETAINEE_FILTERS, *CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(DetaineeSerializer), **LIST_PROBLEMS},
        description="Detainees, cursor-paginated, filtered by the detainee filters.",
    )
    def get(self, request):
        viewer = viewer_of(request)
        page_size = page_size_of(request)

        # The filters are checked and built only when the page is: an ETag is only ever sent with a
        # page, so a matching one names a query that was valid, and a 304 costs no filter set.
        def build():
            filterset = filtered_detainees(request, viewer)
            queryset = filterset.qs.only(*DETAINEE_COLUMNS)
            page = paginate(queryset, request, filterset.sort_spec, page_size)
            return Response(page.body(detainee_documents(page.items, viewer)))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="detainees_create",
        request=DetaineeWriteSerializer,
        responses={201: DetaineeSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request):
        viewer = viewer_of(request)
        serializer = DetaineeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        variants = [NameVariantInput(**v) for v in fields.pop("name_variants", [])]
        detainee = detainee_create(actor=acting_user(request), name_variants=variants, **fields)
        body = detainee_documents([detainee], viewer)[0]
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"ETag": detainee_etag(detainee, viewer), "Location": f"/api/v1/detainees/{detainee.pk}/"},
        )


class DetaineeDetailView(ApiView):
    write_permissions = {"PATCH": "cases.change_detainee"}

    def get_detainee(self, request, pk, viewer: Viewer) -> Detainee:
        return get_object_or_404(detainees_visible(viewer), pk=pk)

    @extend_schema(
        operation_id="detainees_retrieve",
        parameters=CONDITIONAL_GET,
        responses={200: DetaineeSerializer, **READ_PROBLEMS},
    )
    def get(self, request, pk):
        viewer = viewer_of(request)
        detainee = self.get_detainee(request, pk, viewer)

        def build():
            return Response(detainee_documents([detainee], viewer)[0])

        return self.conditional(request, detainee_etag(detainee, viewer), build)

    @extend_schema(
        operation_id="detainees_partial_update",
        parameters=[IF_MATCH],
        request=DetaineeWriteSerializer,
        responses={200: DetaineeSerializer, **WRITE_PROBLEMS},
        description="Edit fields (not the status: that changes only through status changes). "
        "`citizenships` and `name_variants`, when given, replace the lists.",
    )
    def patch(self, request, pk):
        viewer = viewer_of(request)
        serializer = DetaineeWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "name_variants" in fields:
            fields["name_variants"] = [NameVariantInput(**v) for v in fields["name_variants"]]
        with transaction.atomic():
            detainee = self.get_detainee(request, pk, viewer)
            locked = Detainee.objects.select_for_update().get(pk=detainee.pk)
            etags.check_if_match(request, detainee_etag(locked, viewer))
            detainee_update(detainee_id=detainee.pk, actor=acting_user(request), **fields)
        detainee.refresh_from_db()
        return Response(detainee_documents([detainee], viewer)[0], headers={"ETag": detainee_etag(detainee, viewer)})


class StatusChangeListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_statuschange"}

    @extend_schema(
        operation_id="detainees_status_changes_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(StatusChangeSerializer), **LIST_PROBLEMS},
        description="The detainee's status history, oldest first. The initial `missing` is not an entry.",
    )
    def get(self, request, pk):
        viewer = viewer_of(request)
        detainee = get_object_or_404(detainees_visible(viewer), pk=pk)
        page_size = page_size_of(request)

        def build():
            page = paginate(status_history_visible(viewer, detainee), request, [("sequence", False)], page_size)
            data = [status_change_document(change, viewer) for change in page.items]
            return Response(page.body(data))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="detainees_status_changes_create",
        parameters=[IF_MATCH],
        request=StatusChangeWriteSerializer,
        responses={201: StatusChangeSerializer, 202: PendingStatusChangeSerializer, **WRITE_PROBLEMS},
        description="Record a status change. Invalid transitions and a stale `from_status` are 409; "
        "bad input (no source, a time in the future or before the current status) is 400. A death is not "
        "recorded at once: it is proposed (202, `state`: `awaiting_confirmation`) and waits for a second "
        "officer (.../status-changes/{change_id}/confirm/ or .../reject/).",
    )
    def post(self, request, pk):
        viewer = viewer_of(request)
        detainee = get_object_or_404(detainees_visible(viewer), pk=pk)
        serializer = StatusChangeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with transaction.atomic():
            if request.headers.get("If-Match"):
                locked = Detainee.objects.select_for_update().get(pk=detainee.pk)
                etags.check_if_match(request, detainee_etag(locked, viewer))
            change = status_change_record(
                detainee_id=detainee.pk,
                actor=acting_user(request),
                token=acting_token(request),
                channel_id=data.pop("channel", None),
                **data,
            )
        if isinstance(change, PendingStatusChange):
            return Response(proposal_payload(change), status=status.HTTP_202_ACCEPTED)
        change = status_history_visible(viewer, detainee).get(pk=change.pk)
        body = status_change_document(change, viewer)
        return Response(body, status=status.HTTP_201_CREATED)


class StatsView(ApiView):
    allowed_parameters = FILTER_PARAMETERS | {"by"}
    repeatable_parameters = REPEATABLE_PARAMETERS

    @extend_schema(
        operation_id="stats_retrieve",
        parameters=[
            OpenApiParameter(
                "by", OpenApiTypes.STR, required=True, description="One or two of citizenship, status, channel."
            ),
            *DETAINEE_FILTERS,
            *CONDITIONAL_GET,
        ],
        responses={200: StatsSerializer, **LIST_PROBLEMS},
        description="Counts of detainees the caller may see, grouped; accepts the detainee filters. "
        "A dual citizen counts under each citizenship.",
    )
    def get(self, request):
        viewer = viewer_of(request)
        by = [part.strip() for part in request.query_params.get("by", "").split(",") if part.strip()]
        if not 1 <= len(by) <= 2 or len(set(by)) != len(by) or set(by) - set(STAT_DIMENSIONS):
            raise BadQuery({"by": [f"One or two different dimensions of: {', '.join(STAT_DIMENSIONS)}."]})
        return self.conditional(
            request,
            collection_etag(request, viewer),
            lambda: Response({"by": by, "rows": detainee_counts(filtered_detainees(request, viewer).qs, by, viewer)}),
        )
