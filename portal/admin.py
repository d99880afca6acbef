"""The admin (for operations) of programmes and agreements: a programme is edited with
its milestone templates, and signing an agreement creates its milestones, so these sit
above evaluations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import Agreement, CostCategory, FocusArea, Programme
from evaluations.models import MilestoneTemplate
from evaluations.services import agreement_milestones_create
from ilag import events
from ilag.events import archivable_event


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 0


class MilestoneTemplateInline(admin.TabularInline):
    model = MilestoneTemplate
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "owner", "start_date", "end_date", "max_grant_per_agreement")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FocusAreaInline, CostCategoryInline, MilestoneTemplateInline]
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
    filter_horizontal = ("municipalities", "other_parties", "focus_areas")
    list_select_related = ("programme",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new or signed agreement gets the programme's standard milestones.
        if form.instance.status != Agreement.Status.DRAFT:
            agreement_milestones_create(agreement=form.instance)
            # Saved again, it is the same record (archive keys are stable).
            if form.instance.signed_document:
                archivable_event(events.AGREEMENT_SIGNED, form.instance)
