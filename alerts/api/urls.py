from django.urls import path

from alerts.api import views

urlpatterns = [
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
]
