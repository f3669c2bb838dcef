import json

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from cases.api import etags, views


class SchemaView(SpectacularJSONAPIView):
    """OpenAPI 3 as plain application/json unless a client asks for the OpenAPI media type."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The schema only changes with the code: its own digest is its ETag.
        etag = etags.make_etag("schema", json.dumps(response.data, sort_keys=True, default=str))
        cached = etags.not_modified(request, etag)
        if cached is not None:
            return cached
        response["ETag"] = etag
        return response


app_name = "api"
urlpatterns = [
    path("detainees/", views.DetaineeListView.as_view(), name="detainee-list"),
    path("detainees/<uuid:pk>/", views.DetaineeDetailView.as_view(), name="detainee-detail"),
    path("detainees/<uuid:pk>/status-changes/", views.StatusChangeListView.as_view(), name="status-change-list"),
    path("channels/", views.ChannelListView.as_view(), name="channel-list"),
    path("channels/<uuid:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
    path("channels/<uuid:pk>/events/", views.ChannelEventListView.as_view(), name="channel-event-list"),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
