"""REST API v1: each app's endpoints under one namespace, with the schema and its docs."""

import json

from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from core import etags


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
    path("", include("cases.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("lists.api.urls")),
    path("", include("interchange.api.urls")),
    path("", include("partners.api.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves the page's script as a file of its own: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
