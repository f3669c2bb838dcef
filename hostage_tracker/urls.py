from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from core.problems import api_not_found, api_server_error
from core.views import healthz

admin.site.site_header = "Hostage Case Tracker"
admin.site.site_title = "Hostage Case Tracker"
admin.site.index_title = "Administration"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("", include("cases.urls")),
    path("", include("alerts.urls")),
    path("", include("lists.urls")),
    path("", include("interchange.urls")),
    path("", include("partners.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hostage_tracker.api_urls")),
    re_path(r"^api/", api_not_found),
]

handler404 = "hostage_tracker.urls.not_found"
handler500 = "hostage_tracker.urls.server_error"


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        return api_not_found(request, exception)
    return page_not_found(request, exception)


def server_error(request):
    if request.path_info.startswith("/api/"):
        return api_server_error(request)
    return default_server_error(request)
