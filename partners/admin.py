"""Admin pages for partners, their API tokens and their webhook endpoints."""

from django import forms
from django.contrib import admin, messages

from core.access import partner_scope
from core.admin import HistoryAdmin
from partners.models import ApiToken, Disclosure, Partner, WebhookEndpoint
from partners.services.partners import webhook_endpoint_create
from partners.services.tokens import token_revoke
from partners.webhook_urls import webhook_url_check


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ["name", "nationality_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    @admin.display(description="Nationalities")
    def nationality_list(self, obj: Partner) -> str:
        return ", ".join(partner_scope(obj))


class WebhookEndpointForm(forms.ModelForm):
    """The URL obeys the same rules as everywhere (https to a public address, unless
    WEBHOOK_ALLOW_LOCAL): the admin saved http://169.254.169.254/ before."""

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhook_url_check(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["partner", "url", "is_active", "disabled_reason", "created_at"]
    list_filter = ["is_active", "partner"]
    fields = ["partner", "url", "is_active", "disabled_reason"]
    readonly_fields = ["disabled_reason"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = webhook_endpoint_create(partner=obj.partner, url=obj.url)
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at
        if not form.cleaned_data.get("is_active", True):
            WebhookEndpoint.objects.filter(pk=obj.pk).update(is_active=False)
        # Shown once: the secret is never displayed again.
        messages.warning(request, f"Signing secret for {obj.url} (copy it now, it is shown once): {obj.secret}")


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


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """The disclosure log, read-only: written by the answers themselves."""

    list_display = ["at", "partner", "via", "target", "detainee_count"]
    list_filter = ["via", "partner"]
    list_select_related = ["partner"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Cases")
    def detainee_count(self, obj: Disclosure) -> int:
        return len(obj.detainees)
