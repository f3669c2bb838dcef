from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from cases.views.health import healthz
from cases.views.home import HomeView

admin.site.site_header = "Hostage Case Tracker"
admin.site.site_title = "Hostage Case Tracker"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
