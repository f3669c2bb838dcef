"""The Django admin: every record, for admins. The status history is read-only here, and so are the
facts under uncertainty (proposals, family notifications, claims, proofs of life, captivity groups):
they are decided on the case page or through the API, where four eyes and family first apply."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from cases.choices import Confidence
from cases.models import (
    CaptivityGroup,
    CaptivityGroupMembership,
    ChannelEvent,
    ChannelMembership,
    Citizenship,
    Claim,
    Detainee,
    FamilyNotification,
    NameVariant,
    NegotiationChannel,
    PendingStatusChange,
    ProofOfLife,
    StatusChange,
)
from cases.services.channels import EDITABLE_FIELDS as CHANNEL_FIELDS
from cases.services.channels import channel_lock, channel_record_edit, channel_stage_save, channel_touch
from cases.services.detainees import detainee_lock, detainee_saved, detainee_stage_save
from cases.services.status_changes import status_change_record
from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from core.errors import Conflict, StaleVersion


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


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the admin loaded, and refuses to save over a newer edit (made in the app,
    the API or another admin tab): the service locks the row and compares, inside the admin's
    transaction, so the refusal shows on the form and nothing is written."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lock = None  # the service that locks the row and compares versions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("loaded_version") is not None:
            try:
                type(self).lock(self.instance.pk, data["loaded_version"])
            except StaleVersion as exc:
                raise forms.ValidationError(
                    f"{exc.message} Nothing was saved; open the record again to see the newer edit."
                ) from exc
        return data


class DetaineeAdminForm(VersionedAdminForm):
    lock = staticmethod(lambda pk, version: detainee_lock(detainee_id=pk, expected_version=version))

    class Meta:
        model = Detainee
        fields = ["full_name", "sex", "date_of_birth", "abducted_at", "abduction_place", "notes"]


class ChannelAdminForm(VersionedAdminForm):
    lock = staticmethod(lambda pk, version: channel_lock(channel_id=pk, expected_version=version))

    class Meta:
        model = NegotiationChannel
        fields = [*CHANNEL_FIELDS, "notes"]


@admin.register(Detainee)
class DetaineeAdmin(HistoryAdmin):
    form = DetaineeAdminForm
    list_display = ["case_ref", "full_name", "citizenship_list", "status", "status_since", "updated_at"]
    list_filter = ["status", "citizenships__country", "channels", "sex"]
    search_fields = ["case_ref", "full_name", "name_variants__name", "search_names"]
    readonly_fields = ["case_ref", "status", "status_since", "version", "created_at", "updated_at", "created_by"]
    fieldsets = [
        (None, {"fields": ["case_ref", "full_name", "sex", "date_of_birth"]}),
        ("Abduction", {"fields": ["abducted_at", "abduction_place"]}),
        ("Status (changed only by recording a status change)", {"fields": ["status", "status_since"]}),
        ("Internal", {"fields": ["notes", "version", "created_by", "created_at", "updated_at", "loaded_version"]}),
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
        detainee_stage_save(detainee=obj, actor=request.user, created=not change)
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        detainee_saved(detainee=form.instance, actor=request.user, created=not change, changed=_changed(form, formsets))


def _changed(form, formsets) -> list[str]:
    changed = [name for name in form.changed_data if name != "loaded_version"]
    return changed + [formset.prefix for formset in formsets if formset.has_changed()]


@admin.register(NegotiationChannel)
class NegotiationChannelAdmin(HistoryAdmin):
    form = ChannelAdminForm
    readonly_fields = ["version"]
    list_display = ["name", "mediator", "counterpart", "place", "status", "opened_on"]
    list_filter = ["status", "mediator_country"]
    search_fields = ["name", "mediator", "counterpart", "place"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        form.previous_status = form.initial.get("status") if change else None
        channel_stage_save(channel=obj, actor=request.user, created=not change)
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        channel_record_edit(
            channel=form.instance,
            actor=request.user,
            previous_status=form.previous_status,
            changed=_changed(form, formsets),
        )


@admin.register(ChannelEvent)
class ChannelEventAdmin(HistoryAdmin):
    list_display = ["channel", "kind", "occurred_at", "summary", "source"]
    list_filter = ["kind", "channel"]
    search_fields = ["summary", "source"]
    date_hierarchy = "occurred_at"
    exclude = ["recorded_by"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        channel_touch(channel=channel_lock(channel_id=obj.channel_id), actor=request.user, what="log")


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

    def response_add(self, request, obj, post_url_continue=None):
        if not isinstance(obj, PendingStatusChange):
            return super().response_add(request, obj, post_url_continue)
        # A death is only proposed (four eyes): say so, and show the proposal rather than a change.
        self.message_user(
            request,
            f"The {obj.get_to_status_display().lower()} of {obj.detainee} awaits confirmation by a second officer "
            "on the case page; nothing about the case has changed yet.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:cases_pendingstatuschange_change", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass


class CaseFactAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A fact recorded on a case: listed and read here, recorded and decided on the case page."""

    list_select_related = ["detainee"]
    search_fields = ["detainee__case_ref", "detainee__full_name", "source"]
    show_full_result_count = False


@admin.register(PendingStatusChange)
class PendingStatusChangeAdmin(CaseFactAdmin):
    list_display = ["detainee", "to_status", "occurred_at", "state", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["state", "to_status", "confidence"]
    date_hierarchy = "proposed_at"


@admin.register(FamilyNotification)
class FamilyNotificationAdmin(CaseFactAdmin):
    list_display = ["detainee", "informed_at", "method", "recorded_by", "recorded_at"]
    list_filter = ["method"]
    search_fields = ["detainee__case_ref", "detainee__full_name", "note"]
    date_hierarchy = "informed_at"


@admin.register(Claim)
class ClaimAdmin(CaseFactAdmin):
    list_display = ["detainee", "asserted_status", "source", "confidence", "occurred_at", "state", "ruled_by"]
    list_filter = ["state", "asserted_status", "confidence"]
    date_hierarchy = "occurred_at"


@admin.register(ProofOfLife)
class ProofOfLifeAdmin(CaseFactAdmin):
    list_display = ["detainee", "observed_at", "kind", "source", "confidence", "recorded_by"]
    list_filter = ["kind", "confidence"]
    date_hierarchy = "observed_at"


class GroupMemberInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaptivityGroupMembership
    fields = ["detainee", "added_at", "added_by"]
    readonly_fields = fields
    extra = 0


@admin.register(CaptivityGroup)
class CaptivityGroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "place", "since", "until", "confidence", "source"]
    list_filter = ["confidence"]
    search_fields = ["name", "place", "source", "detainees__case_ref", "detainees__full_name"]
    inlines = [GroupMemberInline]
