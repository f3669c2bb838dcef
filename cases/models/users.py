from django.contrib.auth.models import AbstractUser

from cases.choices import Role

# Most privileged first: a user in several groups acts with the highest role.
_ROLE_ORDER = (Role.ADMIN, Role.OFFICER, Role.ANALYST)


class User(AbstractUser):
    """A person who signs in. Their role is their Django group (see cases.roles)."""

    @property
    def role(self) -> str | None:
        if self.is_superuser:
            return Role.ADMIN
        names = {g.name for g in self.groups.all()}
        return next((role for role in _ROLE_ORDER if role in names), None)
