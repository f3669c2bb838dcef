"""The dashboard: counts by status and nationality, releases over time, time in captivity."""

from django.shortcuts import render

from cases.dashboard import attention_counts, dashboard_figures
from core.access import detainees_visible, viewer_of


def dashboard(request):
    viewer = viewer_of(request.user)
    figures = dashboard_figures(viewer)
    charts = [
        ("status", "Cases by current status", "Cases", figures["status"]),
        ("nationality", "Cases by citizenship (a dual citizen counts under each)", "Cases", figures["nationality"]),
        ("releases", "Releases per day (a day opens the list of everyone released)", "Released", figures["releases"]),
        (
            "captivity",
            "Mean days in captivity, dual versus single nationals (freed: until release; held or missing: until today)",
            "Days",
            figures["captivity"],
        ),
        (
            "proof_of_life",
            "Days since the last proof of life, everyone still held (or since the abduction, with none)",
            "Cases",
            figures["proof_of_life"],
        ),
    ]
    data = {
        key: {
            "label": unit,
            "labels": [b.label for b in bars],
            "values": [b.value for b in bars],
            "links": [b.link for b in bars],
        }
        for key, _, unit, bars in charts
    }
    return render(
        request,
        "cases/dashboard.html",
        {
            "charts": charts,
            "chart_data": data,
            "total": detainees_visible(viewer).count(),
            "attention": attention_counts(detainees_visible(viewer)),
        },
    )
