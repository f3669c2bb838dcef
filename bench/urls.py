"""The app's URLs and the benchmark's comparison views (bench/plain.py)."""

from django.urls import path

from bench.plain import PlainDetaineeList, TokenPing
from hostage_tracker.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/plain/detainees/", PlainDetaineeList.as_view()),
    path("bench/ping/", TokenPing.as_view()),
    *app_urlpatterns,
]
