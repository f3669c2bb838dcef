"""Who is calling the API: a user (session or personal token) or a partner (partner token)."""

from dataclasses import dataclass

from partners.models import ApiToken, Partner


@dataclass(frozen=True)
class PartnerPrincipal:
    """Stands in for request.user when a partner token authenticates: read-only, never staff."""

    partner: Partner
    token: ApiToken
    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    role = "partner"
    pk = None

    def has_perm(self, perm: str, obj=None) -> bool:
        return False

    def get_username(self) -> str:
        return f"partner:{self.partner.name}"

    def __str__(self) -> str:
        return self.get_username()
