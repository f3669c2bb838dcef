"""The one check of a query string, for the API and the browser alike: a parameter nobody knows is
refused (a partner's typo such as `citizenships=RU` must not silently return everyone), and so is a
single-valued parameter given twice (`dual=true&dual=false` has no one meaning)."""

from django.http import QueryDict


def parameter_errors(params: QueryDict, *, allowed: frozenset[str], repeatable: frozenset[str]) -> dict[str, list[str]]:
    errors = {
        name: ["Give this parameter once."]
        for name in sorted(params)
        if name not in repeatable and len(params.getlist(name)) > 1
    }
    known = ", ".join(sorted(allowed)) or "none"
    for name in sorted(set(params) - allowed):
        errors[name] = [f"Unknown query parameter. Known here: {known}."]
    return errors
