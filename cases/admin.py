"""The Django admin: every record, for admins. The status history is read-only here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from cases.admin_alerts import ReadOnlyAdminMixin
from cases.choices import Confidence
from cases.models import (
    ChannelEvent,
    ChannelMembership,
    Citizenship,
    Detainee,
    NameVariant,
    NegotiationChannel,
    Partner,
    StatusChange,
    User,
)
from cases.services.channels import channel_record_edit
from cases.services.detainees import detainee_announce, detainee_prepare_new, detainee_refresh_derived
from cases.services.errors import Conflict
from cases.services.status_changes import status_change_record


class CitizenshipInline(admin.TabularInline):
    model = Citizenship
    extra = 0
    fields = ["country", "source", "source_url"]


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ChannelMembership
    extra = 0
    autocomplete_fields = ["detainee"]
    fields = ["detainee", "channel", "role", "source"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["sequence", "from_status", "to_status", "occurred_at", "confidence", "source", "is_correction"]
    readonly_fields = fields
    ordering = ["sequence"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Detainee)
class DetaineeAdmin(SimpleHistoryAdmin):
    list_display = ["case_ref", "full_name", "citizenship_list", "status", "status_since", "updated_at"]
    list_filter = ["status", "citizenships__country", "channels", "sex"]
    search_fields = ["case_ref", "full_name", "name_variants__name", "search_names"]
    readonly_fields = ["case_ref", "status", "status_since", "version", "created_at", "updated_at", "created_by"]
    fieldsets = [
        (None, {"fields": ["case_ref", "full_name", "sex", "date_of_birth"]}),
        ("Abduction", {"fields": ["abducted_at", "abduction_place"]}),
        ("Status (changed only by recording a status change)", {"fields": ["status", "status_since"]}),
        ("Internal", {"fields": ["notes", "version", "created_by", "created_at", "updated_at"]}),
    ]
    inlines = [CitizenshipInline, NameVariantInline, MembershipInline, StatusChangeInline]
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over 100,000 rows on every page is wasted work

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("citizenships")

    @admin.display(description="Citizenships")
    def citizenship_list(self, obj: Detainee) -> str:
        return ", ".join(obj.citizenship_codes)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        else:
            obj.created_by = request.user
            detainee_prepare_new(detainee=obj)
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        detainee_refresh_derived(detainee=form.instance)
        changed = list(form.changed_data) + [formset.prefix for formset in formsets if formset.has_changed()]
        detainee_announce(detainee=form.instance, created=not change, changed=changed, actor=request.user)


@admin.register(NegotiationChannel)
class NegotiationChannelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "mediator", "counterpart", "place", "status", "opened_on"]
    list_filter = ["status", "mediator_country"]
    search_fields = ["name", "mediator", "counterpart", "place"]
    inlines = [MembershipInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        previous = (
            NegotiationChannel.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        channel_record_edit(channel=obj, actor=request.user, previous_status=previous)


@admin.register(ChannelEvent)
class ChannelEventAdmin(SimpleHistoryAdmin):
    list_display = ["channel", "kind", "occurred_at", "summary", "source"]
    list_filter = ["kind", "channel"]
    search_fields = ["summary", "source"]
    date_hierarchy = "occurred_at"
    exclude = ["recorded_by"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        channel = obj.channel
        channel_record_edit(channel=channel, actor=request.user, previous_status=channel.status, changed=["log"])


class StatusChangeForm(forms.ModelForm):
    """Records a change through the service, so the admin obeys the same lifecycle rules as everyone.

    The service runs in clean() (inside the admin's transaction) so that its refusals show as form
    errors; save_model then has nothing left to write.
    """

    class Meta:
        model = StatusChange
        fields = [
            "detainee",
            "to_status",
            "occurred_at",
            "confidence",
            "source",
            "source_url",
            "channel",
            "note",
            "is_correction",
            "correction_reason",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.recorded = status_change_record(
                detainee_id=data["detainee"].pk,
                to_status=data["to_status"],
                source=data.get("source", ""),
                actor=self.request_user,
                occurred_at=data.get("occurred_at"),
                confidence=data.get("confidence") or Confidence.REPORTED,
                source_url=data.get("source_url", ""),
                channel_id=data["channel"].pk if data.get("channel") else None,
                note=data.get("note", ""),
                is_correction=data.get("is_correction", False),
                correction_reason=data.get("correction_reason", ""),
            )
        except Conflict as exc:
            raise forms.ValidationError({exc.field or "to_status": exc.message}) from exc
        except PermissionDenied as exc:
            raise forms.ValidationError({"is_correction": str(exc)}) from exc
        return data


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["detainee", "sequence", "from_status", "to_status", "occurred_at", "confidence", "is_correction"]
    list_filter = ["to_status", "confidence", "is_correction", "channel", "detainee__citizenships__country"]
    search_fields = ["detainee__case_ref", "detainee__full_name", "source"]
    list_select_related = ["detainee"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    autocomplete_fields = ["detainee"]
    add_form = StatusChangeForm

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("cases.add_statuschange")

    def get_fields(self, request, obj=None):
        return StatusChangeForm.Meta.fields if obj is None else super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        kwargs.update(form=StatusChangeForm, fields=StatusChangeForm.Meta.fields)
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    # The change was written by the service in the form's clean(); nothing is left to save.
    def save_form(self, request, form, change):
        return form.recorded

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "nationality_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    @admin.display(description="Nationalities")
    def nationality_list(self, obj: Partner) -> str:
        return ", ".join(obj.nationality_codes)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
