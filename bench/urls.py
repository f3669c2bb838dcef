"""The app's URLs and the benchmark's comparison views (bench/plain.py)."""

from django.contrib.auth.decorators import login_not_required
from django.test.utils import override_settings
from django.urls import path

from bench.plain import PlainDetaineeList, TokenPing
from cases.api.detainees import DetaineeListView
from hostage_tracker.urls import urlpatterns as app_urlpatterns


def without_disclosure_log(view):
    """The same view with the disclosure log off, to measure what the log costs (gunicorn's sync
    workers answer one request at a time, so the override is this request's alone)."""

    @login_not_required  # the API view authenticates the token itself, as the real one does
    def unlogged(request, *args, **kwargs):
        with override_settings(DISCLOSURE_LOG=False):
            response = view(request, *args, **kwargs)
            response.render()
            return response

    return unlogged


urlpatterns = [
    path("bench/plain/detainees/", PlainDetaineeList.as_view()),
    path("bench/ping/", TokenPing.as_view()),
    path("bench/unlogged/detainees/", without_disclosure_log(DetaineeListView.as_view())),
    *app_urlpatterns,
]
