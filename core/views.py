from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import DOWN, health_report


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness and dependencies, with no personal data: 503 only when the database is unreachable."""
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == DOWN else 200)
