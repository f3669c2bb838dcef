"""Issuing, checking and revoking API tokens. Only a keyed digest of a token is ever stored."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import User
from partners.models import ApiToken, Partner

TOKEN_PREFIX = "htk"  # noqa: S105 - the public marker of our tokens, not a secret
# last_used_at is a hint for admins, not an audit trail: one write a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hmac.new(settings.API_TOKEN_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def token_issue(
    *, user: User | None = None, partner: Partner | None = None, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for a user (acting with their role) or a partner (read-only, scoped).

    Returns the row and the token text, which is not stored and cannot be shown again.
    """
    if (user is None) == (partner is None):
        raise ValueError("a token belongs to exactly one user or one partner")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, prefix=prefix, digest=_digest(secret), user=user, partner=partner, expires_at=expires_at
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token this text stands for, or None. Constant-time comparison of digests."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    # `prefix` is unique: a plain get, without the model's ordering and LIMIT.
    token = ApiToken.objects.select_related("user", "partner").filter(prefix=parts[1]).order_by().first()
    # Compare even when no token has that prefix, so timing says nothing about which prefixes exist.
    expected = token.digest if token else _digest("absent")
    if not hmac.compare_digest(expected, _digest(parts[2])) or token is None or not token.is_usable:
        return None
    if token.user_id and not token.user.is_active:
        return None
    if token.partner_id and not token.partner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
