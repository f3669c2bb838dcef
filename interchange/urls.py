from django.urls import path

from interchange import views

urlpatterns = [path("detainees/export.pfif.xml", views.export_pfif, name="detainee-export-pfif")]
