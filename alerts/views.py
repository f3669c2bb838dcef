"""The signed-in user's in-app notifications and alert subscriptions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from alerts.services.subscriptions import notifications_mark_read, subscription_create, subscription_delete
from cases.forms import SubscriptionForm, add_service_errors
from cases.models import Detainee, NegotiationChannel


def notification_list(request):
    notifications = request.user.notifications.select_related("event").order_by("-created_at", "-id")[:200]
    return render(request, "cases/notifications.html", {"notifications": notifications})


@require_POST
def notification_mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isascii() and i.isdigit()] or None
    count = notifications_mark_read(user=request.user, notification_ids=ids)
    if request.headers.get("HX-Request"):
        return render(request, "cases/_unread_badge.html", {"unread_notifications": 0 if ids is None else None})
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications")


def _described(subscriptions) -> list[tuple]:
    """Each subscription with what it is about, in words: two queries for the whole list."""
    ids = {kind: [s.value for s in subscriptions if s.kind == kind] for kind in ("detainee", "channel")}
    names = {
        str(pk): f"{ref} {name}"
        for pk, ref, name in Detainee.objects.filter(pk__in=ids["detainee"]).values_list("pk", "case_ref", "full_name")
    }
    names |= {
        str(pk): name for pk, name in NegotiationChannel.objects.filter(pk__in=ids["channel"]).values_list("pk", "name")
    }
    return [(s, names.get(s.value, s.value)) for s in subscriptions]


@require_http_methods(["GET", "POST"])
def subscription_list(request):
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subscription_create(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Subscribed.")
                return redirect("subscriptions")
        status = 400
    subscriptions = _described(list(request.user.subscriptions.order_by("kind", "value")))
    return render(request, "cases/subscriptions.html", {"form": form, "subscriptions": subscriptions}, status=status)


@require_POST
def subscription_remove(request, pk):
    if subscription_delete(user=request.user, subscription_id=pk):
        messages.success(request, "Unsubscribed.")
    return redirect("subscriptions")
