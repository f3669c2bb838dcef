from django.contrib.auth.models import AbstractUser
from django.utils.functional import cached_property

from cases.choices import Role

# Most privileged first: a user in several groups acts with the highest role.
_ROLE_ORDER = (Role.ADMIN, Role.OFFICER, Role.ANALYST)


class User(AbstractUser):
    """A person who signs in. Their role is their Django group (see cases.roles)."""

    @cached_property
    def role(self) -> str | None:
        """Read once per loaded user (a request): a role change applies from the next request."""
        if self.is_superuser:
            return Role.ADMIN
        names = {g.name for g in self.groups.all()}
        return next((role for role in _ROLE_ORDER if role in names), None)
