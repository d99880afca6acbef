from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from accounts.permissions import leader_municipality_ids
from evaluations.models import Milestone
from ilag.history import changes_for_project
from ilag.lists import Column, FilteredListView
from projects.filters import ProjectFilter, latest_approved_light
from projects.forms import BudgetGridForm, FundingFormSet, ProjectForm, source_choices
from projects.models import Document, ProgressReport, Project
from projects.permissions import can_attach_document, can_create_report, can_edit_project
from projects.services import EditConflict, project_financing_save, project_update
from projects.views.mixins import VisibleProjectMixin, add_service_errors, conflict_message


def _municipality_names(project) -> str:
    return ", ".join(m.name for m in project.municipalities.all())


class ProjectListView(FilteredListView):
    """All projects the user may see: filter, sort, paginate, export, search."""

    template_name = "projects/project_list.html"
    filterset_class = ProjectFilter
    sort_fields = {
        "tittel": "title",
        "program": "agreement__programme__name",
        "status": "status",
        "start": "start_date",
        "slutt": "end_date",
        "budsjett": "budget_sum",
    }
    default_sort = "tittel"
    export_name = "prosjekter"
    export_columns = [
        Column(gettext_lazy("Project"), lambda p: p.title),
        Column(gettext_lazy("Number"), lambda p: p.number),
        Column(gettext_lazy("Municipalities"), _municipality_names),
        Column(gettext_lazy("Programme"), lambda p: str(p.agreement.programme)),
        Column(gettext_lazy("Agreement"), lambda p: p.agreement.title),
        Column(gettext_lazy("Focus area"), lambda p: str(p.focus_area or "")),
        Column(gettext_lazy("Status"), lambda p: p.get_status_display()),
        Column(gettext_lazy("Start date"), lambda p: p.start_date),
        Column(gettext_lazy("End date"), lambda p: p.end_date),
        Column(gettext_lazy("Status light"), lambda p: traffic_light_label(p.latest_light)),
        Column(gettext_lazy("Budget (NOK)"), lambda p: p.budget_sum),
        Column(gettext_lazy("Grant from the programme owner (NOK)"), lambda p: p.county_sum),
        Column(gettext_lazy("Demo data"), lambda p: _("Yes") if p.is_demo else ""),
    ]

    def base_queryset(self):
        return Project.objects.visible_to(self.request.user)

    def sorted(self, queryset):
        if self.request.GET.get("sorter", "").lstrip("-") == "budsjett":
            queryset = queryset.with_totals()
        return super().sorted(queryset)

    def decorate(self, queryset):
        return (
            queryset.with_totals()
            .annotate(latest_light=latest_approved_light())
            .select_related("agreement__programme", "focus_area")
            .prefetch_related("municipalities")
        )

    def export_title(self):
        return _("Projects")

    def extra_context_for(self, rows):
        return {
            "page_budget": sum(p.budget_sum for p in rows),
            "page_county": sum(p.county_sum for p in rows),
        }


def traffic_light_label(value) -> str:
    return str(ProgressReport.TrafficLight(value).label) if value else ""


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
        user = self.request.user
        project = self.object
        budget_lines = list(project.budget_lines.select_related("category"))
        reports = list(
            ProgressReport.objects.visible_to(user)
            .filter(project=project)
            .select_related("submitted_by", "reviewed_by")
        )
        latest = next((r for r in reports if r.status == ProgressReport.Status.APPROVED), None)
        context.update(
            budget=budget_grid(budget_lines),
            funding_lines=project.funding_lines.select_related("source", "source_municipality"),
            indicators=indicator_progress(project, latest),
            spending=spending_by_category(budget_lines, latest),
            latest_report=latest,
            reports=reports,
            milestones=Milestone.objects.visible_to(user)
            .filter(Q(project=project) | Q(agreement=project.agreement_id))
            .select_related("responsible", "project", "agreement"),
            county_share=project.county_share_percent(),
            financing_problems=project.financing_problems(),
            can_edit=can_edit_project(user, project),
            can_create_report=can_create_report(user, project),
            documents=Document.objects.visible_to(user)
            .filter(project=project)
            .select_related("uploaded_by"),
            upload_url=reverse("files:document-upload-project", args=[project.pk]),
            can_attach=can_attach_document(user, project),
            can_delete=can_attach_document(user, project),
            history=changes_for_project(project, user=user),
        )
        return context


def spending_by_category(budget_lines, report):
    """Budget against costs incurred (from the latest approved report), per category."""
    costs = (
        {c.category_id: c.amount for c in report.costs.select_related("category")} if report else {}
    )
    categories = {}
    for line in budget_lines:
        categories.setdefault(line.category, 0)
        categories[line.category] += line.amount
    if report:
        for cost in report.costs.all():
            categories.setdefault(cost.category, 0)
    rows = []
    for category, budget in sorted(categories.items(), key=lambda kv: (kv[0].position, kv[0].name)):
        incurred = costs.get(category.pk, 0)
        rows.append(
            {
                "category": category,
                "budget": budget,
                "incurred": incurred,
                "remaining": budget - incurred,
                "used_percent": (Decimal(incurred * 100) / budget) if budget else None,
            }
        )
    total_budget = sum(r["budget"] for r in rows)
    total_incurred = sum(r["incurred"] for r in rows)
    return {
        "rows": rows,
        "budget": total_budget,
        "incurred": total_incurred,
        "remaining": total_budget - total_incurred,
        "used_percent": (Decimal(total_incurred * 100) / total_budget) if total_budget else None,
    }


def indicator_progress(project, report):
    """Each indicator with baseline, the latest approved value and target."""
    values = {v.indicator_id: v for v in report.indicator_values.all()} if report else {}
    rows = []
    for indicator in project.indicators.all():
        current = values.get(indicator.pk)
        progress = None
        if current is not None and indicator.target != indicator.baseline:
            progress = (
                (current.value - indicator.baseline) * 100 / (indicator.target - indicator.baseline)
            )
        rows.append({"indicator": indicator, "current": current, "progress": progress})
    return rows


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


class ProjectUpdateView(VisibleProjectMixin, FormView):
    """Edit a project's facts; refuses to overwrite a newer version."""

    permission = staticmethod(can_edit_project)
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.project}

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            project_update(project=self.project, version=form.cleaned_data["version"], data=data)
        except EditConflict as conflict:
            form.add_error(None, conflict_message(conflict, _("The project")))
            return self.conflict_response(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The project is saved."))
        return redirect(self.project.get_absolute_url())

    def conflict_response(self, form):
        # Keep what was typed; a second save, after review, goes on top of the new version.
        data = form.data.copy()
        data["version"] = Project.objects.values_list("version", flat=True).get(pk=self.project.pk)
        form.data = data
        return self.form_invalid(form)


class ProjectFinancingView(VisibleProjectMixin, TemplateView):
    """The budget as a year × cost-category grid and the funding plan, saved together
    under the programme's rules."""

    permission = staticmethod(can_edit_project)
    template_name = "projects/project_financing.html"

    def forms(self, data=None):
        project = self.project
        grid = BudgetGridForm(data, project=project)
        initial = [
            {
                "source": f"o{line.source_id}"
                if line.source_id
                else f"m{line.source_municipality_id}",
                "kind": line.kind,
                "amount": line.amount,
                "note": line.note,
            }
            for line in project.funding_lines.all()
        ]
        funding = FundingFormSet(
            data,
            initial=None if data else initial,
            prefix="funding",
            sources=source_choices(project),
        )
        return grid, funding

    def get(self, request, *args, **kwargs):
        grid, funding = self.forms()
        return self.render_to_response(self.get_context_data(grid=grid, funding=funding))

    def post(self, request, *args, **kwargs):
        grid, funding = self.forms(request.POST)
        sections = {}
        if grid.is_valid() and funding.is_valid():
            entries = [
                form.entry()
                for form in funding
                if form.has_changed() and not form.cleaned_data.get("DELETE")
            ]
            try:
                project_financing_save(
                    project=self.project,
                    version=grid.cleaned_data["version"],
                    budget=grid.entries(),
                    funding=entries,
                )
            except EditConflict as conflict:
                grid.add_error(None, conflict_message(conflict, _("The project's budget")))
                data = request.POST.copy()
                data["version"] = Project.objects.values_list("version", flat=True).get(
                    pk=self.project.pk
                )
                grid.data = data
            except ValidationError as error:
                sections = add_service_errors(grid, error)
            else:
                messages.success(request, _("The budget and funding plan are saved."))
                return redirect(self.project.get_absolute_url())
        context = self.get_context_data(grid=grid, funding=funding, sections=sections)
        return self.render_to_response(context, status=200)

    def get_context_data(self, **kwargs):
        programme = self.project.agreement.programme
        return super().get_context_data(
            programme=programme,
            county_source=f"o{programme.owner_id}",
            **kwargs,
        )


class MyProjectsView(TemplateView):
    """A project leader's landing page: his projects, what is due next, what came back."""

    template_name = "projects/my_projects.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        own_ids = leader_municipality_ids(user)
        projects = list(
            Project.objects.filter(municipalities__in=own_ids)
            .distinct()
            .with_totals()
            .select_related("agreement__programme")
            .prefetch_related(
                "municipalities",
                Prefetch(
                    "progress_reports",
                    queryset=ProgressReport.objects.order_by("-period_end", "-pk"),
                    to_attr="reports_newest_first",
                ),
            )
            .order_by("status", "agreement__programme__name", "number", "title")
        )
        reports = ProgressReport.objects.filter(project__in=[p.pk for p in projects])
        today = timezone.localdate()
        return super().get_context_data(
            projects=projects,
            returned=reports.filter(status=ProgressReport.Status.RETURNED).select_related(
                "project", "reviewed_by"
            ),
            drafts=reports.filter(status=ProgressReport.Status.DRAFT).select_related("project"),
            submitted=reports.filter(status=ProgressReport.Status.SUBMITTED).select_related(
                "project"
            ),
            deadlines=Milestone.objects.visible_to(user)
            .filter(
                Q(project__in=[p.pk for p in projects]) | Q(agreement__municipalities__in=own_ids)
            )
            .filter(status=Milestone.Status.PLANNED)
            .select_related("project", "agreement")
            .distinct()
            .order_by("due_date")[:10],
            today=today,
            **kwargs,
        )
