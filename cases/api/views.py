"""REST API v1 views: parse the request, ask a selector or a service, render. No rules live here."""

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import etags
from cases.api.documents import DETAINEE_COLUMNS, detainee_documents
from cases.api.pagination import page_size_of, paginate
from cases.api.principals import PartnerPrincipal
from cases.api.problems import BadQuery
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
    ChangeFeedSerializer,
    ChannelEventSerializer,
    ChannelEventWriteSerializer,
    ChannelSerializer,
    ChannelWriteSerializer,
    DetaineeSerializer,
    DetaineeWriteSerializer,
    StatsSerializer,
    StatusChangeSerializer,
    StatusChangeWriteSerializer,
)
from cases.feed import FeedError, feed_read
from cases.filters import FILTER_PARAMETERS, DetaineeFilter
from cases.models import ApiToken, Detainee, NegotiationChannel
from cases.selectors import (
    STAT_DIMENSIONS,
    Viewer,
    channel_events_of,
    channel_memberships_visible,
    channels_visible,
    data_version,
    detainee_counts,
    detainees_visible,
    status_changes_of,
)
from cases.services.channels import channel_create, channel_event_record, channel_update
from cases.services.detainees import NameVariantInput, detainee_create, detainee_update
from cases.services.status_changes import status_change_record


def viewer_of(request) -> Viewer:
    user = request.user
    if isinstance(user, PartnerPrincipal):
        return Viewer(partner=user.partner)
    return Viewer(user=user)


def acting_user(request):
    return None if isinstance(request.user, PartnerPrincipal) else request.user


def acting_token(request):
    token = request.auth
    return token if isinstance(token, ApiToken) else None


# Parameters that may be repeated (each value adds to the list); any other given twice is a 400.
LIST_PARAMETERS = frozenset({"citizenship", "citizenship_all", "status"})


def check_parameters(request, allowed: set[str] | frozenset[str]) -> None:
    """Unknown query parameters are a 400: a typo such as `citizenships=RU` must not return everyone."""
    repeated = sorted(
        name
        for name in request.query_params
        if name not in LIST_PARAMETERS and len(request.query_params.getlist(name)) > 1
    )
    if repeated:
        raise BadQuery({name: ["Give this parameter once."] for name in repeated})
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise BadQuery(
            {
                name: [f"Unknown query parameter. Known here: {', '.join(sorted(allowed)) or 'none'}."]
                for name in unknown
            }
        )


def filtered_detainees(request, viewer: Viewer) -> DetaineeFilter:
    filterset = DetaineeFilter(request.query_params, queryset=detainees_visible(viewer), request=request)
    if not filterset.is_valid():
        raise BadQuery(filterset.errors)
    return filterset


def collection_etag(request, viewer: Viewer) -> str:
    query = sorted((key, value) for key in request.query_params for value in request.query_params.getlist(key))
    return etags.make_etag(request.path, query, viewer.cache_key, data_version())


class ApiView(APIView):
    """Shared behaviour: parameters checked, ETag on every GET (304 on a match)."""

    allowed_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        # An unsupported method is a 405 whoever asks, before authentication and permissions.
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if request.method == "GET":
            check_parameters(request, self.allowed_parameters)

    def conditional(self, request, etag: str, build) -> Response:
        cached = etags.not_modified(request, etag)
        if cached is not None:
            return cached
        response = build()
        response["ETag"] = etag
        return response


def detainee_etag(detainee: Detainee, viewer: Viewer) -> str:
    """One detainee's ETag: its version and its channel links (which do not raise its version)."""
    links = sorted(
        (str(channel_id), role, name, updated.isoformat())
        for channel_id, role, name, updated in detainee.channel_memberships.values_list(
            "channel_id", "role", "channel__name", "channel__updated_at"
        )
    )
    return etags.make_etag("detainee", detainee.pk, detainee.version, viewer.cache_key, links)


class DetaineeListView(ApiView):
    allowed_parameters = FILTER_PARAMETERS | {"page_size", "cursor"}
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
        filterset = filtered_detainees(request, viewer)

        def build():
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
            page = paginate(status_changes_of(detainee), request, [("sequence", False)], page_size)
            data = StatusChangeSerializer(page.items, many=True, context={"viewer": viewer}).data
            return Response(page.body(data))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="detainees_status_changes_create",
        parameters=[IF_MATCH],
        request=StatusChangeWriteSerializer,
        responses={201: StatusChangeSerializer, **WRITE_PROBLEMS},
        description="Record a status change. Invalid transitions and a stale `from_status` are 409; "
        "bad input (no source, a time in the future or before the current status) is 400.",
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
        change = status_changes_of(detainee).get(pk=change.pk)
        body = StatusChangeSerializer(change, context={"viewer": viewer}).data
        return Response(body, status=status.HTTP_201_CREATED)


def channel_etag(channel, viewer: Viewer) -> str:
    """One channel's ETag: its version and the members the viewer sees (with their versions)."""
    members = sorted(
        (str(d), role, v)
        for d, role, v in channel_memberships_visible(viewer)
        .filter(channel=channel)
        .values_list("detainee_id", "role", "detainee__version")
    )
    return etags.make_etag("channel", channel.pk, channel.version, viewer.cache_key, members)


def channel_with_members(channel, viewer: Viewer):
    channel.visible_memberships = list(channel_memberships_visible(viewer).filter(channel=channel))
    return channel


class ChannelListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_negotiationchannel"}

    @extend_schema(
        operation_id="channels_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(ChannelSerializer), **LIST_PROBLEMS},
    )
    def get(self, request):
        viewer = viewer_of(request)
        page_size = page_size_of(request)

        def build():
            page = paginate(channels_visible(viewer), request, [("name", False)], page_size)
            members = {}
            for membership in channel_memberships_visible(viewer).filter(channel__in=[c.pk for c in page.items]):
                members.setdefault(membership.channel_id, []).append(membership)
            for channel in page.items:
                channel.visible_memberships = members.get(channel.pk, [])
            return Response(page.body(ChannelSerializer(page.items, many=True).data))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="channels_create",
        request=ChannelWriteSerializer,
        responses={201: ChannelSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request):
        viewer = viewer_of(request)
        serializer = ChannelWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        channel = channel_create(actor=acting_user(request), members=fields.pop("members", None), **fields)
        return Response(
            ChannelSerializer(channel_with_members(channel, viewer)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/channels/{channel.pk}/", "ETag": channel_etag(channel, viewer)},
        )


class ChannelDetailView(ApiView):
    write_permissions = {"PATCH": "cases.change_negotiationchannel"}

    @extend_schema(
        operation_id="channels_retrieve",
        parameters=CONDITIONAL_GET,
        responses={200: ChannelSerializer, **READ_PROBLEMS},
    )
    def get(self, request, pk):
        viewer = viewer_of(request)
        channel = get_object_or_404(channels_visible(viewer), pk=pk)
        return self.conditional(
            request,
            channel_etag(channel, viewer),
            lambda: Response(ChannelSerializer(channel_with_members(channel, viewer)).data),
        )

    @extend_schema(
        operation_id="channels_partial_update",
        parameters=[IF_MATCH],
        request=ChannelWriteSerializer,
        responses={200: ChannelSerializer, **WRITE_PROBLEMS},
    )
    def patch(self, request, pk):
        viewer = viewer_of(request)
        channel = get_object_or_404(channels_visible(viewer), pk=pk)
        serializer = ChannelWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        with transaction.atomic():
            locked = NegotiationChannel.objects.select_for_update().get(pk=channel.pk)
            etags.check_if_match(request, channel_etag(locked, viewer))
            channel = channel_update(
                channel_id=channel.pk, actor=acting_user(request), members=fields.pop("members", None), **fields
            )
        return Response(
            ChannelSerializer(channel_with_members(channel, viewer)).data,
            headers={"ETag": channel_etag(channel, viewer)},
        )


class ChannelEventListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_channelevent"}

    @extend_schema(
        operation_id="channels_events_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(ChannelEventSerializer), **LIST_PROBLEMS},
        description="The channel's log, oldest first.",
    )
    def get(self, request, pk):
        viewer = viewer_of(request)
        channel = get_object_or_404(channels_visible(viewer), pk=pk)
        page_size = page_size_of(request)

        def build():
            page = paginate(channel_events_of(channel), request, [("occurred_at", False), ("id", False)], page_size)
            return Response(page.body(ChannelEventSerializer(page.items, many=True).data))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="channels_events_create",
        request=ChannelEventWriteSerializer,
        responses={201: ChannelEventSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request, pk):
        viewer = viewer_of(request)
        channel = get_object_or_404(channels_visible(viewer), pk=pk)
        serializer = ChannelEventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = channel_event_record(channel_id=channel.pk, actor=acting_user(request), **serializer.validated_data)
        return Response(ChannelEventSerializer(entry).data, status=status.HTTP_201_CREATED)


class ChangeFeedView(ApiView):
    allowed_parameters = frozenset({"after", "limit"})

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description="The `next_cursor` of the previous response."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–1000 events (default 100)."),
            *CONDITIONAL_GET,
        ],
        responses={200: ChangeFeedSerializer, **LIST_PROBLEMS},
        description="The change feed. Pass back `next_cursor` as `after` to see every event you may see "
        "exactly once, in commit-safe order, none skipped.",
    )
    def get(self, request):
        viewer = viewer_of(request)
        try:
            return self.conditional(
                request,
                collection_etag(request, viewer),
                lambda: HttpResponse(
                    feed_read(
                        viewer=viewer, after=request.query_params.get("after"), limit=request.query_params.get("limit")
                    ),
                    content_type="application/json",
                ),
            )
        except FeedError as exc:
            raise BadQuery({exc.field: [exc.message]}) from exc


class StatsView(ApiView):
    allowed_parameters = FILTER_PARAMETERS | {"by"}

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
        filterset = filtered_detainees(request, viewer)
        return self.conditional(
            request,
            collection_etag(request, viewer),
            lambda: Response({"by": by, "rows": detainee_counts(filterset.qs, by)}),
        )


def raise_not_found(request, *args, **kwargs):
    raise Http404
