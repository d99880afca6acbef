from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import BudgetLine, FundingLine, Indicator, Project


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "agreement", "status", "start_date", "end_date", "leader")
    list_filter = ("agreement__programme", "status", "municipalities")
    search_fields = ("title", "description")
    filter_horizontal = ("municipalities",)
    inlines = [BudgetLineInline, FundingLineInline, IndicatorInline]
    list_select_related = ("agreement", "leader")


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("project", "year", "category", "amount")
    list_filter = ("year", "category__programme")
    list_select_related = ("project", "category")


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = ("project", "source", "source_municipality", "kind", "amount")
    list_select_related = ("project", "source", "source_municipality")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("project", "kind", "name", "unit", "baseline", "target")
    list_filter = ("kind",)
    list_select_related = ("project",)
