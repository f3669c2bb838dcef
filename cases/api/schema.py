"""What the OpenAPI schema says beyond what drf-spectacular infers: bearer auth, problem responses,
ETag / If-None-Match / If-Match headers, the paginated envelopes."""

import django_filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from cases.filtersets import CountryListFilter, DetaineeFilter

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
    """The list's query parameters as the FilterSet defines them (the one definition of the filters)."""
    parameters = []
    for name, spec in DetaineeFilter.base_filters.items():
        description = str(spec.label)
        if isinstance(spec, CountryListFilter):
            parameter = _list_of({"type": "string", "pattern": "^[A-Za-z]{2}$"}, description + " (ISO 3166-1 alpha-2).")
        elif isinstance(spec, django_filters.MultipleChoiceFilter):
            parameter = _list_of({"type": "string", "enum": [value for value, _ in spec.extra["choices"]]}, description)
        elif isinstance(spec, django_filters.ChoiceFilter):
            parameter = OpenApiParameter(name, str, enum=[value for value, _ in spec.extra["choices"]])
        elif isinstance(spec, django_filters.UUIDFilter):
            parameter = OpenApiParameter(name, OpenApiTypes.UUID)
        elif isinstance(spec, django_filters.IsoDateTimeFilter):
            parameter = OpenApiParameter(name, OpenApiTypes.DATETIME)
        else:
            parameter = OpenApiParameter(name, str)
        parameter.name = name
        parameter.description = parameter.description or description
        parameters.append(parameter)
    return parameters


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
