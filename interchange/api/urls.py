from django.urls import path

from interchange.api import views

urlpatterns = [path("pfif/", views.PfifView.as_view(), name="pfif")]
