from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import render

from core.permissions import has_role

# Pages a signed-in person without a role may still open: to leave, and to see they are waiting.
_WITHOUT_ROLE = frozenset({"login", "logout"})


class LoginRequiredExceptAPIMiddleware(LoginRequiredMiddleware):
    """Pages redirect anonymous users to the login page, and show a signed-in person who holds no
    role (created and never given one) that they must wait for one: no page of the cell without a
    role. The API answers for itself: 401 problem JSON, and 403 without a role (core.permissions)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        refused = super().process_view(request, view_func, view_args, view_kwargs)
        if refused is not None or not getattr(view_func, "login_required", True):
            return refused
        user = request.user
        match = request.resolver_match
        waiting = user.is_authenticated and not user.is_superuser and not has_role(user)
        if waiting and (match is None or match.url_name not in _WITHOUT_ROLE):
            return render(request, "no_role.html", status=403)
        return None


class NoStoreMiddleware:
    """Pages and API answers carry the cases of real people: no cache along the way may keep them
    (`Cache-Control: no-store`), unless a response says otherwise (static files, whitenoise's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
