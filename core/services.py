"""Provisioning users and giving them a role."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from core.choices import Role
from core.models import User


@transaction.atomic
def user_provision(*, username: str, role: str, password: str | None = None, email: str = "") -> tuple[User, bool]:
    """Create the user, or update an existing one, so that they hold exactly `role`.

    Only admins get into the Django admin (is_staff). Returns (user, created).
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    user, created = User.objects.select_for_update().get_or_create(username=username)
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if email:
        user.email = email
    user.is_staff = role == Role.ADMIN
    user.full_clean()
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user, created
