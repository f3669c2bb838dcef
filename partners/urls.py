from django.urls import path

from partners import views

urlpatterns = [
    path("disclosures/", views.disclosures, name="disclosures"),
    path("partners/<int:partner_id>/disclosures/", views.partner_disclosures, name="partner-disclosures"),
]
