"""Admin pages for the alert plumbing: partners' webhooks, events, and deliveries (dead ones retryable)."""

from django.contrib import admin, messages

from cases.alerts.delivery import delivery_retry
from cases.choices import DeliveryStatus
from cases.models import ApiToken, Delivery, DeliveryAttempt, Event, Subscription, WebhookEndpoint
from cases.services.partners import webhook_secret_generate
from cases.services.tokens import token_revoke


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["partner", "url", "is_active", "disabled_reason", "created_at"]
    list_filter = ["is_active", "partner"]
    fields = ["partner", "url", "is_active", "disabled_reason"]
    readonly_fields = ["disabled_reason"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = webhook_secret_generate()
            # Shown once: the secret is never displayed again.
            messages.warning(request, f"Signing secret for {obj.url} (copy it now, it is shown once): {obj.secret}")
        super().save_model(request, obj, form, change)


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
        return request.user.has_perm("cases.retry_delivery")


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_token` (shown once); here admins see and revoke them."""

    list_display = ["prefix", "name", "user", "partner", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["partner", "revoked_at"]
    search_fields = ["prefix", "name", "user__username", "partner__name"]
    fields = ["prefix", "name", "user", "partner", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token)
        self.message_user(request, "Revoked. Calls with those tokens now answer 401.")
