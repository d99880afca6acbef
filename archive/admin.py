from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from archive.models import ArchiveRecord


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(SimpleHistoryAdmin):
    """Records are made by the portal's events and changed by the send task, the
    receipts and the Arkivering page; here operations can look them up."""

    list_display = ("title", "kind", "status", "attempts", "created_at", "external_key")
    list_filter = ("kind", "status", "programme")
    search_fields = ("external_key", "title", "case_number", "record_number", "manual_reference")
    list_select_related = ("programme",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
