from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ReportOrder
from reports.services import report_order_delete


@admin.register(ReportOrder)
class ReportOrderAdmin(SimpleHistoryAdmin):
    """Orders are made through the portal; here operations can look, and delete an order
    that is not final. A final report is never changed or deleted."""

    list_display = ("__str__", "kind", "status", "ordered_by", "ordered_at", "is_final")
    list_filter = ("kind", "status", "is_final", "programme")
    list_select_related = ("programme", "municipality", "project", "ordered_by")
    date_hierarchy = "ordered_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_final)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_final)

    def delete_model(self, request, obj):
        report_order_delete(order=obj)

    def delete_queryset(self, request, queryset):
        # Final reports are left as they are, even when selected.
        for order in queryset.filter(is_final=False):
            report_order_delete(order=order)
