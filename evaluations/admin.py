from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluations.models import (
    Milestone,
    MilestoneIndicatorResult,
    MilestoneReport,
    MilestoneTemplate,
    Reminder,
    ReportOrder,
)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("label", "kind", "due_date", "status", "programme", "agreement", "project")
    list_filter = ("kind", "status", "programme")
    date_hierarchy = "due_date"
    list_select_related = ("programme", "agreement", "project")


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "programme", "kind", "months_after_start", "fixed_date")
    list_filter = ("programme",)


class MilestoneIndicatorResultInline(admin.TabularInline):
    model = MilestoneIndicatorResult
    extra = 0


@admin.register(MilestoneReport)
class MilestoneReportAdmin(SimpleHistoryAdmin):
    list_display = ("milestone", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    inlines = [MilestoneIndicatorResultInline]
    list_select_related = ("milestone",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("milestone", "recipient", "kind", "step", "due_date", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("milestone", "recipient")

    def has_change_permission(self, request, obj=None):
        return False


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
        from evaluations.report_services import report_order_delete

        report_order_delete(order=obj)

    def delete_queryset(self, request, queryset):
        from evaluations.report_services import report_order_delete

        # Final reports are left as they are, even when selected.
        for order in queryset.filter(is_final=False):
            report_order_delete(order=order)
