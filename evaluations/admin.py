from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluations.models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("label", "kind", "due_date", "status", "programme", "agreement", "project")
    list_filter = ("kind", "status", "programme")
    date_hierarchy = "due_date"
    list_select_related = ("programme", "agreement", "project")
