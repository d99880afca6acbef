"""Overview pages for county advisers: overdue milestones and stale projects."""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from agreements.models import Programme
from evaluations.overview import (
    can_view_overview,
    overdue_milestones,
    stale_projects,
    stale_report_weeks_in_use,
    weeks_between,
)
from ilag.paging import Section
from ilag.views import ReadOnlyPageMixin

# Each list pages with its own parameter; a page and its count are read in one query.
MILESTONE_PAGES = Section("milepeler", per_page=50)
PROJECT_PAGES = Section("prosjekter", per_page=50)


class OverdueView(ReadOnlyPageMixin, UserPassesTestMixin, TemplateView):
    """Advisers only; everyone else gets 403. Each list has its own page parameter."""

    template_name = "evaluations/overdue.html"
    raise_exception = True

    def test_func(self):
        return can_view_overview(self.request.user)

    def programme(self):
        """`?program=<slug>`: one programme the user may see (from the dashboard)."""
        slug = self.request.GET.get("program")
        if not slug:
            return None
        return get_object_or_404(Programme.objects.visible_to(self.request.user), slug=slug)

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        programme = self.programme()
        overdue, stale = overdue_milestones(user, today), stale_projects(user, today)
        if programme is not None:
            overdue = overdue.filter(
                Q(programme=programme)
                | Q(agreement__programme=programme)
                | Q(project__agreement__programme=programme)
            )
            stale = stale.filter(agreement__programme=programme)
        milestones = MILESTONE_PAGES.page(overdue, self.request.GET)
        for milestone in milestones:
            milestone.days_overdue = (today - milestone.due_date).days
        projects = PROJECT_PAGES.page(stale, self.request.GET)
        for project in projects:
            project.weeks_since = weeks_between(project.stale_since, today)
        weeks = stale_report_weeks_in_use(user)
        return super().get_context_data(
            today=today,
            programme=programme,
            milestones=milestones,
            projects=projects,
            stale_weeks=weeks[0] if len(weeks) == 1 else None,
            **kwargs,
        )
