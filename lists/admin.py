"""Delivered lists in the admin: read-only (they are received and decided through the app)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from lists.models import DeliveredList, ListEntry, RememberedPair


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ListEntry
    fields = ["row", "full_name", "date_of_birth", "citizenships", "label", "decision", "problems"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(DeliveredList)
class DeliveredListAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["file_name", "channel", "direction", "delivered_by", "delivered_at", "row_count", "status"]
    list_filter = ["status", "direction", "channel"]
    search_fields = ["file_name", "delivered_by", "sha256"]
    date_hierarchy = "delivered_at"
    inlines = [EntryInline]


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "delivered_list", "row", "label", "decision"]
    list_filter = ["label", "decision"]
    search_fields = ["full_name"]
    list_select_related = ["delivered_list", "delivered_list__channel"]
    show_full_result_count = False


@admin.register(RememberedPair)
class RememberedPairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What officers decided about a name and a detainee, carried over to later lists (undone from a list's row)."""

    list_display = ["name", "date_of_birth", "detainee", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["name", "detainee__case_ref"]
    list_select_related = ["detainee", "decided_by"]
