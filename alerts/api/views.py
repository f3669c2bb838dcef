"""The change feed over HTTP."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from alerts.api.serializers import ChangeFeedSerializer
from alerts.feed import FeedError, feed_read
from cases.api.schema import CONDITIONAL_GET, LIST_PROBLEMS
from core.api import ApiView, collection_etag, viewer_of
from core.problems import BadQuery


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
                collection_etag(request, viewer, scoped=False),
                lambda: HttpResponse(
                    feed_read(
                        viewer=viewer, after=request.query_params.get("after"), limit=request.query_params.get("limit")
                    ),
                    content_type="application/json",
                ),
            )
        except FeedError as exc:
            raise BadQuery({exc.field: [exc.message]}) from exc
