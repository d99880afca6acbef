from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import Agreement, CostCategory, FocusArea, Programme


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "owner", "start_date", "end_date", "max_grant_per_agreement")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FocusAreaInline, CostCategoryInline]
    search_fields = ("name", "slug")


@admin.register(FocusArea)
class FocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme")
    list_filter = ("programme",)


@admin.register(CostCategory)
class CostCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "eligible", "position")
    list_filter = ("programme", "eligible")


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "programme", "status", "start_date", "end_date", "county_frame")
    list_filter = ("programme", "status", "municipalities")
    search_fields = ("title", "theme", "municipalities__name", "decision_case_number")
    filter_horizontal = ("municipalities", "focus_areas")
    list_select_related = ("programme",)
