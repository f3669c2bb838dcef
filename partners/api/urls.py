from django.urls import path

from partners.api import views

urlpatterns = [path("disclosures/", views.DisclosureListView.as_view(), name="disclosure-list")]
