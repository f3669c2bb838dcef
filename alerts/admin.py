"""Admin pages for the alert plumbing: events, subscriptions, and deliveries (dead ones retryable)."""

from django.contrib import admin

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, DeliveryAttempt, Event, Subscription
from alerts.services.delivery import delivery_retry
from core.admin import ReadOnlyAdminMixin


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "status_code", "succeeded", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "event", "kind", "recipient", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "kind", "endpoint__partner"]
    list_select_related = ["event", "endpoint__partner", "user"]
    inlines = [DeliveryAttemptInline]
    actions = ["retry"]
    show_full_result_count = False

    @admin.display(description="Recipient")
    def recipient(self, obj: Delivery) -> str:
        return str(obj.endpoint) if obj.endpoint_id else obj.user.username

    @admin.action(description="Retry the selected dead deliveries", permissions=["retry"])
    def retry(self, request, queryset):
        ids = list(queryset.filter(status=DeliveryStatus.DEAD).values_list("id", flat=True))
        count = delivery_retry(delivery_ids=ids)
        self.message_user(request, f"{count} deliveries will be retried.")

    def has_retry_permission(self, request):
        return request.user.has_perm("alerts.retry_delivery")


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["seq", "type", "object_type", "object_id", "occurred_at", "dispatched_at"]
    list_filter = ["type", "object_type"]
    search_fields = ["object_id"]
    show_full_result_count = False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "value", "by_email", "in_app"]
    list_filter = ["kind"]
