"""The API of delivered lists: upload one (202: it is matched in the background), read it with its
progress and counts, its rows with their candidates, decide on a row, open a case from a row, and
compare it with the list before. Internal to the cell: a partner is answered 404 (core.access)."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cases.api.schema import CONDITIONAL_GET, CURSOR_PARAMETERS, LIST_PROBLEMS, READ_PROBLEMS, WRITE_PROBLEMS, paginated
from core import etags
from core.access import list_entries_visible, lists_visible
from core.api import InternalApiView, acting_user, viewer_of
from core.pagination import page_size_of, paginate
from core.problems import BadQuery
from lists.api.serializers import (
    ComparisonSerializer,
    DecisionSerializer,
    DeliveredListSerializer,
    ListEntrySerializer,
    ListUploadSerializer,
)
from lists.filtersets import ENTRY_FILTER_PARAMETERS, ENTRY_REPEATABLE_PARAMETERS, EntryFilter
from lists.models import DeliveredList, ListEntry
from lists.parsing import FileRefused, check_size
from lists.representations import comparison_document, entry_document, list_document
from lists.selectors import list_compare, list_counts, list_previous, lists_version
from lists.services.decisions import entry_decide, entry_detainee_create, entry_undo
from lists.services.imports import list_upload

ENTRY_RELATED = ("decided_by", "remembered_from")


def _uuid(value: str, parameter: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as exc:
        raise BadQuery({parameter: [f"Give {what}'s id."]}) from exc


def _documents(lists: list[DeliveredList]) -> list[dict]:
    counts = list_counts(lists)
    return [list_document(d, counts[d.pk]) for d in lists]


def _list_of(request, pk) -> DeliveredList:
    return get_object_or_404(lists_visible(viewer_of(request)).select_related("channel", "created_by"), pk=pk)


def _entry_of(request, pk, entry_id) -> ListEntry:
    entries = list_entries_visible(viewer_of(request)).select_related(*ENTRY_RELATED)
    return get_object_or_404(entries, delivered_list_id=pk, pk=entry_id)


def _list_etag(request, delivered: DeliveredList, *more) -> str:
    query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
    return etags.make_etag(request.path, query, delivered.pk, delivered.version, *more)


class ListCollectionView(InternalApiView):
    allowed_parameters = frozenset({"page_size", "cursor", "channel"})
    write_permissions = {"POST": "lists.add_deliveredlist"}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="lists_list",
        parameters=[
            OpenApiParameter("channel", str, description="Only the lists of this channel (its id)."),
            *CURSOR_PARAMETERS,
            *CONDITIONAL_GET,
        ],
        responses={200: paginated(DeliveredListSerializer), **LIST_PROBLEMS},
        description="Delivered lists, newest delivery first. Internal: partners get 404.",
    )
    def get(self, request):
        lists = lists_visible(viewer_of(request))
        channel = request.query_params.get("channel")
        if channel is not None:
            lists = lists.filter(channel_id=_uuid(channel, "channel", "a channel"))
        query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
        etag = etags.make_etag(request.path, query, lists_version())

        def build():
            page = paginate(
                lists.select_related("channel", "created_by"),
                request,
                [("delivered_at", True), ("id", True)],
                page_size_of(request),
            )
            return Response(page.body(_documents(page.items)))

        return self.conditional(request, etag, build)

    @extend_schema(
        operation_id="lists_create",
        request={"multipart/form-data": ListUploadSerializer},
        responses={202: DeliveredListSerializer, **WRITE_PROBLEMS},
        description="Upload a delivered list. It is stored at once (or refused whole, saying why) and matched in "
        "the background: 202, then poll the list for `status` and `progress`. The same file twice for a "
        "channel is a 409 naming the first.",
    )
    def post(self, request):
        serializer = ListUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        upload = fields["file"]
        try:
            check_size(upload.size)  # before reading a file that could be any size into memory
        except FileRefused as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        delivered = list_upload(
            channel_id=fields["channel"],
            direction=fields["direction"],
            delivered_by=fields["delivered_by"],
            delivered_at=fields.get("delivered_at"),
            file_name=upload.name,
            content=upload.read(),
            actor=acting_user(request),
        )
        delivered = DeliveredList.objects.select_related("channel", "created_by").get(pk=delivered.pk)
        return Response(
            _documents([delivered])[0],
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/v1/lists/{delivered.pk}/"},
        )


class ListDetailView(InternalApiView):
    @extend_schema(
        operation_id="lists_retrieve",
        parameters=CONDITIONAL_GET,
        responses={200: DeliveredListSerializer, **READ_PROBLEMS},
        description="One list with its `status`, `progress` while it is matched, and the counts of its rows.",
    )
    def get(self, request, pk):
        delivered = _list_of(request, pk)
        return self.conditional(request, _list_etag(request, delivered), lambda: Response(_documents([delivered])[0]))


class ListEntriesView(InternalApiView):
    allowed_parameters = ENTRY_FILTER_PARAMETERS | {"page_size", "cursor"}
    repeatable_parameters = ENTRY_REPEATABLE_PARAMETERS

    @extend_schema(
        operation_id="lists_entries_list",
        parameters=[
            OpenApiParameter("label", str, description="likely, possible, none (any of; comma-separated)."),
            OpenApiParameter("decision", str, description="confirmed, rejected, unsure, undecided (any of)."),
            OpenApiParameter("problems", str, enum=["true", "false"], description="Rows flagged when read."),
            *CURSOR_PARAMETERS,
            *CONDITIONAL_GET,
        ],
        responses={200: paginated(ListEntrySerializer), **LIST_PROBLEMS},
        description="The list's rows in file order, each with its best candidates (best first) and its decision.",
    )
    def get(self, request, pk):
        delivered = _list_of(request, pk)

        def build():
            entries = EntryFilter(request.query_params, queryset=delivered.entries.select_related(*ENTRY_RELATED))
            if not entries.is_valid():
                raise BadQuery(entries.errors)
            page = paginate(entries.qs, request, [("row", False)], page_size_of(request))
            return Response(page.body([entry_document(e) for e in page.items]))

        return self.conditional(request, _list_etag(request, delivered), build)


class EntryDecisionView(InternalApiView):
    write_permissions = {"POST": "lists.change_listentry", "DELETE": "lists.change_listentry"}

    @extend_schema(
        operation_id="lists_entries_decide",
        request=DecisionSerializer,
        responses={200: ListEntrySerializer, **WRITE_PROBLEMS},
        description="Confirm, reject or mark 'not sure'. Confirming a row of a list handed to the counterpart "
        "links the detainee to the channel as `requested`; of a list handed back, it records a claim `held` "
        "sourced to the list. Remembered for later lists. 409 while the list is still being matched.",
    )
    def post(self, request, pk, entry_id):
        entry = _entry_of(request, pk, entry_id)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry_decide(
            list_id=pk,
            entry_id=entry.pk,
            decision=serializer.validated_data["decision"],
            detainee_id=serializer.validated_data.get("detainee"),
            actor=acting_user(request),
        )
        return Response(entry_document(_entry_of(request, pk, entry_id)))

    @extend_schema(
        operation_id="lists_entries_undecide",
        request=None,
        responses={200: ListEntrySerializer, **WRITE_PROBLEMS},
        description="Undo the row's decision (made here or carried over from an earlier list): the channel link "
        "it made is removed, its claim rejected if still open, and later lists no longer carry it.",
    )
    def delete(self, request, pk, entry_id):
        entry = _entry_of(request, pk, entry_id)
        entry_undo(list_id=pk, entry_id=entry.pk, actor=acting_user(request))
        return Response(entry_document(_entry_of(request, pk, entry_id)))


class EntryDetaineeView(InternalApiView):
    write_permissions = {"POST": "lists.change_listentry"}

    @extend_schema(
        operation_id="lists_entries_create_detainee",
        request=None,
        responses={201: ListEntrySerializer, **WRITE_PROBLEMS},
        description="Open a new case from the row (its names, date of birth, sex and citizenships) and confirm "
        "the row with it. `Location` is the new detainee.",
    )
    def post(self, request, pk, entry_id):
        entry = _entry_of(request, pk, entry_id)
        if not request.user.has_perm("cases.add_detainee"):
            raise PermissionDenied("Your role may not open cases.")
        entry = entry_detainee_create(list_id=pk, entry_id=entry.pk, actor=acting_user(request))
        return Response(
            entry_document(_entry_of(request, pk, entry_id)),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/detainees/{entry.detainee_id}/"},
        )


class ListCompareView(InternalApiView):
    allowed_parameters = frozenset({"with"})

    @extend_schema(
        operation_id="lists_compare",
        parameters=[
            OpenApiParameter(
                "with",
                str,
                description="Another list's id. Default: the previous list of the same channel and direction.",
            ),
            *CONDITIONAL_GET,
        ],
        responses={200: ComparisonSerializer, **LIST_PROBLEMS},
        description="Who is on this list and not on the other (added), on the other and not on this (dropped), "
        "and on both (unchanged): by matched detainee, or by name where a row is unmatched.",
    )
    def get(self, request, pk):
        delivered = _list_of(request, pk)
        visible = lists_visible(viewer_of(request))
        other_id = request.query_params.get("with")
        if other_id is not None:
            other = visible.filter(pk=_uuid(other_id, "with", "another list")).first()
            if other is None or other.pk == delivered.pk:
                raise BadQuery({"with": ["No such other list."]})
        else:
            other = list_previous(delivered, visible)
        etag = _list_etag(request, delivered, other.pk if other else None, other.version if other else None)
        return self.conditional(
            request,
            etag,
            lambda: Response(comparison_document(delivered, other, list_compare(delivered, other))),
        )
