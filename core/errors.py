"""Errors the services raise, for every interface to translate (problem JSON, form errors, ...).

Bad input is a django.core.exceptions.ValidationError with field names (a 400); a request that
collides with the case's current state is a Conflict (a 409); a role that may not is a
django.core.exceptions.PermissionDenied (a 403).
"""


class Conflict(Exception):
    """The request is well-formed but the record's current state forbids it."""

    code = "conflict"

    def __init__(self, message: str, *, field: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class InvalidTransition(Conflict):
    code = "invalid_transition"


class StaleStatus(Conflict):
    code = "stale_status"


class StaleVersion(Conflict):
    code = "stale_version"
