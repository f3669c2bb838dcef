"""The change feed over HTTP."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from alerts.api.serializers import ChangeFeedSerializer
from alerts.feed import FeedError, feed_read, feed_state
from alerts.selectors import feed_horizon
from cases.api.schema import CONDITIONAL_GET, LIST_PROBLEMS
from core import etags
from core.api import ApiView, viewer_of
from core.problems import BadQuery


class ChangeFeedView(ApiView):
    allowed_parameters = frozenset({"after", "limit"})

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="The `next_cursor` of the previous response; `now` for the head of the feed (no "
                "events, and a `next_cursor` after every event there is: list what you need, then tail from it).",
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–1000 events (default 100)."),
            *CONDITIONAL_GET,
        ],
        responses={200: ChangeFeedSerializer, **LIST_PROBLEMS},
        description="The change feed. Pass back `next_cursor` as `after` to see every event you may see "
        "exactly once, in commit-safe order, none skipped.",
    )
    def get(self, request):
        viewer = viewer_of(request)
        # One horizon for the ETag and the page: a strong ETag names exactly one body.
        horizon = feed_horizon()
        query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
        etag = etags.make_etag(request.path, query, viewer.cache_key, "feed", feed_state(horizon))
        after, limit = request.query_params.get("after"), request.query_params.get("limit")
        try:
            return self.conditional(
                request,
                etag,
                lambda: HttpResponse(
                    feed_read(viewer=viewer, after=after, limit=limit, horizon=horizon),
                    content_type="application/json",
                ),
            )
        except FeedError as exc:
            raise BadQuery({exc.field: [exc.message]}) from exc
