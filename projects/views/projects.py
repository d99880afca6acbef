from collections import defaultdict

from django.db.models import Q
from django.views.generic import DetailView, ListView

from agreements.models import Programme
from evaluations.models import Milestone
from municipalities.models import Municipality
from projects.models import Project


class ProjectListView(ListView):
    model = Project
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 25

    def get_queryset(self):
        queryset = Project.objects.visible_to(self.request.user)
        params = self.request.GET
        if programme := params.get("program"):
            queryset = queryset.filter(agreement__programme__slug=programme)
        if number := params.get("kommune"):
            queryset = queryset.filter(municipalities__number=number)
        if (status := params.get("status")) in Project.Status.values:
            queryset = queryset.filter(status=status)
        return (
            queryset.distinct()
            .with_totals()
            .select_related("agreement__programme", "focus_area")
            .prefetch_related("municipalities")
            .order_by("agreement__programme__start_date", "title", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        query = params.copy()
        query.pop("page", None)
        context.update(
            programmes=Programme.objects.visible_to(self.request.user).only("slug", "name"),
            municipality_choices=Municipality.objects.filter(
                projects__in=Project.objects.visible_to(self.request.user).values("pk")
            )
            .distinct()
            .only("number", "name")[:200],
            statuses=Project.Status.choices,
            selected={
                "program": params.get("program", ""),
                "kommune": params.get("kommune", ""),
                "status": params.get("status", ""),
            },
            querystring=query.urlencode(),
        )
        return context


class ProjectDetailView(DetailView):
    model = Project
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .with_totals()
            .select_related("agreement__programme__owner", "focus_area", "leader")
            .prefetch_related("municipalities")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            budget=budget_grid(project.budget_lines.select_related("category")),
            funding_lines=project.funding_lines.select_related("source", "source_municipality"),
            indicators=project.indicators.all(),
            milestones=Milestone.objects.visible_to(self.request.user)
            .filter(Q(project=project) | Q(agreement=project.agreement_id))
            .select_related("responsible"),
            county_share=project.county_share_percent(),
            financing_problems=project.financing_problems(),
        )
        return context


def budget_grid(lines):
    """Budget lines as a category × year table with row, column and grand totals."""
    years = sorted({line.year for line in lines})
    categories = []
    cells = defaultdict(dict)
    for line in sorted(lines, key=lambda li: (li.category.position, li.category.name)):
        if line.category not in categories:
            categories.append(line.category)
        cells[line.category.pk][line.year] = line.amount
    rows = [
        {
            "category": category,
            "amounts": [cells[category.pk].get(year) for year in years],
            "total": sum(cells[category.pk].values()),
        }
        for category in categories
    ]
    year_totals = [sum(cells[c.pk].get(year, 0) for c in categories) for year in years]
    return {"years": years, "rows": rows, "year_totals": year_totals, "total": sum(year_totals)}
