"""Least privilege per role: every principal with a role reads; writes need the role's permission;
partners never write."""

from rest_framework import permissions

from partners.principals import PartnerPrincipal


def has_role(user) -> bool:
    return isinstance(user, PartnerPrincipal) or bool(getattr(user, "role", None))


class RolePermission(permissions.BasePermission):
    """Views declare `write_permissions = {"POST": "cases.add_detainee", ...}`; reads need a role."""

    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if not has_role(user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(user, PartnerPrincipal):
            self.message = "Partner tokens are read-only."
            return False
        needed = getattr(view, "write_permissions", {}).get(request.method)
        return bool(needed) and user.has_perm(needed)
