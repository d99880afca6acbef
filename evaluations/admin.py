from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluations.models import (
    Milestone,
    MilestoneIndicatorResult,
    MilestoneReport,
    MilestoneTemplate,
    Reminder,
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
