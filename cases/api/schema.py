"""What the OpenAPI schema says beyond what drf-spectacular infers: bearer auth, problem responses,
ETag / If-None-Match / If-Match headers, the paginated envelopes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from cases.choices import Status
from cases.filtersets import ORDERING_CHOICES

PROBLEM = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = inline_serializer(
        name="FieldError",
        fields={"field": serializers.CharField(), "detail": serializers.CharField()},
        many=True,
        required=False,
    )


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


_COMMON = {
    (401, PROBLEM): _problem("No credentials, or a bad, expired or revoked token."),
    (403, PROBLEM): _problem("The caller's role may not do this."),
    (404, PROBLEM): _problem("No such object, or not in the caller's scope."),
    (405, PROBLEM): _problem("Method not allowed."),
    (429, PROBLEM): _problem("Rate limited; see Retry-After."),
}
LIST_PROBLEMS = {(400, PROBLEM): _problem("Unknown or invalid query parameters."), **_COMMON}
READ_PROBLEMS = dict(_COMMON)
WRITE_PROBLEMS = {
    (400, PROBLEM): _problem("Invalid input; `errors` names the fields."),
    (409, PROBLEM): _problem("The request conflicts with the record's current state."),
    (412, PROBLEM): _problem("If-Match did not match the current ETag."),
    (415, PROBLEM): _problem("The body is not JSON."),
    **_COMMON,
}

CONDITIONAL_GET = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=False,
        description="An ETag from an earlier response: 304 with no body if nothing changed.",
    )
]
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag you last read: if the resource changed since, 412 and nothing is written.",
)
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From a `next` or `previous` link."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1–500, default 50."),
]


def _list_of(items: dict, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name="",
        type={"type": "array", "items": items},
        style="form",
        explode=False,
        description=description + " Comma-separated, or the parameter repeated.",
    )


def _detainee_filters() -> list[OpenApiParameter]:
    country = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
    params = {
        "citizenship": _list_of(country, "Holds any of these ISO 3166-1 alpha-2 codes."),
        "citizenship_all": _list_of(country, "Holds all of these codes."),
        "status": _list_of({"type": "string", "enum": list(Status.values)}, "Current status, any of."),
    }
    out = []
    for name, param in params.items():
        param.name = name
        out.append(param)
    return [
        *out,
        OpenApiParameter("dual", str, enum=["true", "false"], description="Two or more citizenships, or exactly one."),
        OpenApiParameter("channel", OpenApiTypes.UUID, description="Linked to this negotiation channel."),
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Changed at or after this time."),
        OpenApiParameter("q", str, description="A name in any script or spelling (Aleksandr, Alexandr, Александр)."),
        OpenApiParameter("ordering", str, enum=list(ORDERING_CHOICES), description="Sort order."),
    ]


DETAINEE_FILTERS = _detainee_filters()


def paginated(serializer_class):
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List",
        fields={
            "results": serializer_class(many=True),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
        },
    )


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (acts with the user's role) or a partner token (read-only, scoped).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def postprocess(result, generator, request, public):
    """Every GET answers with an ETag and may answer 304; every write may answer 412 with If-Match."""
    etag_header = {"ETag": {"schema": {"type": "string"}, "description": "Strong entity tag of this response."}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                if method == "get" and code == "200":
                    response.setdefault("headers", {}).update(etag_header)
                if code == "429":
                    response.setdefault("headers", {})["Retry-After"] = {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before trying again.",
                    }
            if method == "get":
                responses.setdefault(
                    "304", {"description": "Not modified: the If-None-Match ETag is current.", "headers": etag_header}
                )
    return result
