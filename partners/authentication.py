"""Bearer tokens (personal or partner) and browser sessions (with CSRF)."""

from rest_framework import authentication, exceptions

from core.actors import set_current_token
from partners.principals import PartnerPrincipal
from partners.services.tokens import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        raw = raw.strip()
        if not raw or " " in raw:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        token = token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        set_current_token(token)
        if token.partner_id:
            return PartnerPrincipal(partner=token.partner, token=token), token
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, CSRF-checked on writes (DRF's own behaviour)."""
