"""The API for negotiation channels, their members and their log."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases.api.schema import (
    CONDITIONAL_GET,
    CURSOR_PARAMETERS,
    IF_MATCH,
    LIST_PROBLEMS,
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    paginated,
)
from cases.api.serializers import (
    ChannelEventSerializer,
    ChannelEventWriteSerializer,
    ChannelSerializer,
    ChannelWriteSerializer,
)
from cases.models import NegotiationChannel
from cases.selectors import channel_events_of
from cases.services.channels import channel_create, channel_event_record, channel_update
from core import etags
from core.access import Viewer, channel_memberships_visible, channels_visible, shown_version_expression
from core.api import ApiView, acting_user, collection_etag, viewer_of
from core.pagination import page_size_of, paginate


def channel_etag(channel, viewer: Viewer) -> str:
    """One channel's ETag: its version and the members the viewer sees (with their versions)."""
    members = sorted(
        (str(d), role, v)
        for d, role, v in channel_memberships_visible(viewer)
        .filter(channel=channel)
        .annotate(member_version=shown_version_expression(viewer, "detainee__"))
        .values_list("detainee_id", "role", "member_version")
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
