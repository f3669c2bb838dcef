"""What every API view shares: who is calling, the parameter check, and conditional GETs."""

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.selectors import data_version
from core import etags
from core.access import Viewer
from core.access import viewer_of as principal_viewer
from core.problems import BadQuery
from partners.models import ApiToken
from partners.principals import PartnerPrincipal


def viewer_of(request) -> Viewer:
    return principal_viewer(request.user)


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
