"""What every API view shares: who is calling, the parameter check, and conditional GETs."""

from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.selectors import data_version
from core import etags
from core.access import Viewer, data_version_scope, parameters_unknown_to
from core.access import viewer_of as principal_viewer
from core.parameters import parameter_errors
from core.problems import BadQuery
from partners.disclosures import api_disclosure_record, start_collecting, stop_collecting
from partners.models import ApiToken
from partners.principals import PartnerPrincipal


def viewer_of(request) -> Viewer:
    return principal_viewer(request.user)


def acting_user(request):
    return None if isinstance(request.user, PartnerPrincipal) else request.user


def acting_token(request):
    token = request.auth
    return token if isinstance(token, ApiToken) else None


def collection_etag(request, viewer: Viewer) -> str:
    """A list's ETag: its query, the reader, and the version of what the reader may see. (The change
    feed's is its own: alerts.feed.feed_state.)"""
    query = sorted((key, value) for key in request.query_params for value in request.query_params.getlist(key))
    version = data_version(data_version_scope(viewer))
    return etags.make_etag(request.path, query, viewer.cache_key, version)


class ApiView(APIView):
    """Shared behaviour: parameters checked, ETag on every GET (304 on a match), and what an answer
    to a partner disclosed logged (partners.disclosures)."""

    allowed_parameters: frozenset[str] = frozenset()
    repeatable_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        # An unsupported method is a 405 whoever asks, before authentication and permissions.
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if isinstance(request.user, PartnerPrincipal):
            request._request.disclosures = start_collecting()
        if request.method == "GET":
            allowed = self.allowed_parameters - parameters_unknown_to(viewer_of(request))
            errors = parameter_errors(request.query_params, allowed=allowed, repeatable=self.repeatable_parameters)
            if errors:
                raise BadQuery(errors)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        collecting = getattr(request._request, "disclosures", None)
        if collecting is not None:
            reset, collector = collecting
            stop_collecting(reset)
            # A 304 or an error tells nothing new; a streamed answer logs itself when it ends.
            if response.status_code == 200 and not response.streaming:
                api_disclosure_record(
                    partner=request.user.partner,
                    token=request.user.token,
                    target=request.get_full_path(),
                    collector=collector,
                )
        state = getattr(request._request, "rate_limit", None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        return response

    def conditional(self, request, etag: str, build) -> Response:
        cached = etags.not_modified(request, etag)
        if cached is not None:
            return cached
        response = build()
        response["ETag"] = etag
        return response


class InternalApiView(ApiView):
    """For the cell alone (delivered lists, the disclosure log): a partner is answered 404 whatever
    it asks, as for anything outside its scope."""

    def check_permissions(self, request):
        if isinstance(request.user, PartnerPrincipal):
            raise NotFound()
        super().check_permissions(request)
