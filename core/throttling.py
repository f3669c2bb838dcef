"""Rate limits per token (or per user for sessions). Redis down fails open: no limit, no outage."""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


CACHE_SCOPE = "principal"


class PrincipalRateThrottle(SimpleRateThrottle):
    scope = CACHE_SCOPE  # DRF's name for the rate's key prefix; nothing to do with a partner's scope

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "prefix"):
            ident = f"token:{token.pk}"
        elif request.user is not None and getattr(request.user, "pk", None):
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": CACHE_SCOPE, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - any cache failure: serve rather than refuse
            logger.warning("rate limiting skipped, cache unavailable: %s", exc)
            return True
