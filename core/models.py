"""People who sign in, and what every historical record carries besides the user."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

from core.choices import Role

# Most privileged first: a user in several groups acts with the highest role.
_ROLE_ORDER = (Role.ADMIN, Role.OFFICER, Role.ANALYST)


class User(AbstractUser):
    """A person who signs in. Their role is their Django group (see core.roles)."""

    @cached_property
    def role(self) -> str | None:
        """Read once per loaded user (a request): a role change applies from the next request."""
        if self.is_superuser:
            return Role.ADMIN
        names = {g.name for g in self.groups.all()}
        return next((role for role in _ROLE_ORDER if role in names), None)


class TokenAttributedHistory(models.Model):
    """Base of the historical models: a change made through the API names the token that made it."""

    history_api_token = models.ForeignKey(
        "partners.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta:
        abstract = True
