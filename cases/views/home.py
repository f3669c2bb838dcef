from django.db.models import Count
from django.views.generic import TemplateView

from cases.choices import Status
from cases.models import Detainee


class HomeView(TemplateView):
    """The landing page after sign-in: case counts by status (the full dashboard comes with the UI)."""

    template_name = "cases/home.html"

    def get_context_data(self, **kwargs):
        counts = dict(Detainee.objects.values_list("status").annotate(n=Count("id")).order_by())
        context = super().get_context_data(**kwargs)
        context["status_counts"] = [(label, counts.get(value, 0)) for value, label in Status.choices]
        context["total"] = sum(counts.values())
        return context
