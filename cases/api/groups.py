"""The API of captivity groups: people known to be held together.

A partner sees a group only if it holds a member in the partner's scope, and then only those members.
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases.api.fact_serializers import GroupMemberWriteSerializer, GroupSerializer, GroupWriteSerializer
from cases.api.schema import (
    CONDITIONAL_GET,
    CURSOR_PARAMETERS,
    IF_MATCH,
    LIST_PROBLEMS,
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    paginated,
)
from cases.models import CaptivityGroup
from cases.representations import group_document
from cases.services.groups import group_create, group_member_add, group_member_remove, group_update
from core import etags
from core.access import Viewer, group_members_visible, groups_visible, shown_version
from core.api import ApiView, acting_user, collection_etag, viewer_of
from core.pagination import page_size_of, paginate


def _documents(groups: list[CaptivityGroup], viewer: Viewer) -> list[dict]:
    members: dict = {}
    for membership in group_members_visible(viewer).filter(group__in=[g.pk for g in groups]):
        members.setdefault(membership.group_id, []).append(membership.detainee)
    return [group_document(g, members.get(g.pk, [])) for g in groups]


def group_etag(group: CaptivityGroup, viewer: Viewer) -> str:
    """One group's ETag: its version and the members the reader sees, with the versions it may know."""
    members = sorted(
        (str(m.detainee_id), shown_version(viewer, m.detainee))
        for m in group_members_visible(viewer).filter(group=group)
    )
    return etags.make_etag("group", group.pk, group.version, viewer.cache_key, members)


class GroupListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_captivitygroup"}

    @extend_schema(
        operation_id="groups_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(GroupSerializer), **LIST_PROBLEMS},
        description="Captivity groups, by name. A partner sees only groups with a member in its scope, and "
        "only those members.",
    )
    def get(self, request):
        viewer = viewer_of(request)

        def build():
            page = paginate(groups_visible(viewer), request, [("name", False), ("id", False)], page_size_of(request))
            return Response(page.body(_documents(page.items, viewer)))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="groups_create",
        request=GroupWriteSerializer,
        responses={201: GroupSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request):
        viewer = viewer_of(request)
        serializer = GroupWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        group = group_create(actor=acting_user(request), members=fields.pop("members", []), **fields)
        return Response(
            _documents([group], viewer)[0],
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/groups/{group.pk}/", "ETag": group_etag(group, viewer)},
        )


class GroupDetailView(ApiView):
    write_permissions = {"PATCH": "cases.change_captivitygroup"}

    @extend_schema(
        operation_id="groups_retrieve", parameters=CONDITIONAL_GET, responses={200: GroupSerializer, **READ_PROBLEMS}
    )
    def get(self, request, pk):
        viewer = viewer_of(request)
        group = get_object_or_404(groups_visible(viewer), pk=pk)
        return self.conditional(request, group_etag(group, viewer), lambda: Response(_documents([group], viewer)[0]))

    @extend_schema(
        operation_id="groups_partial_update",
        parameters=[IF_MATCH],
        request=GroupWriteSerializer,
        responses={200: GroupSerializer, **WRITE_PROBLEMS},
        description="Edit the group's fields; members change through .../members/.",
    )
    def patch(self, request, pk):
        viewer = viewer_of(request)
        group = get_object_or_404(groups_visible(viewer), pk=pk)
        serializer = GroupWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "members" in fields:
            raise ValidationError({"members": ["Members change through POST/DELETE .../members/."]})
        with transaction.atomic():
            locked = CaptivityGroup.objects.select_for_update().get(pk=group.pk)
            etags.check_if_match(request, group_etag(locked, viewer))
            group = group_update(group_id=group.pk, actor=acting_user(request), **fields)
        return Response(_documents([group], viewer)[0], headers={"ETag": group_etag(group, viewer)})


class GroupMemberListView(ApiView):
    write_permissions = {"POST": "cases.add_captivitygroupmembership"}

    @extend_schema(
        operation_id="groups_members_create",
        request=GroupMemberWriteSerializer,
        responses={201: GroupSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request, pk):
        viewer = viewer_of(request)
        group = get_object_or_404(groups_visible(viewer), pk=pk)
        serializer = GroupMemberWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_member_add(
            group_id=group.pk, detainee_id=serializer.validated_data["detainee"], actor=acting_user(request)
        )
        group.refresh_from_db()
        return Response(_documents([group], viewer)[0], status=status.HTTP_201_CREATED)


class GroupMemberDetailView(ApiView):
    write_permissions = {"DELETE": "cases.delete_captivitygroupmembership"}

    @extend_schema(operation_id="groups_members_destroy", request=None, responses={204: None, **WRITE_PROBLEMS})
    def delete(self, request, pk, detainee_id):
        viewer = viewer_of(request)
        group = get_object_or_404(groups_visible(viewer), pk=pk)
        if not group_member_remove(group_id=group.pk, detainee_id=detainee_id, actor=acting_user(request)):
            raise Http404("This person is not in the group.")
        return Response(status=status.HTTP_204_NO_CONTENT)
