from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from ilag.lists import Column, FilteredListView
from ilag.review import EditConflict
from ilag.validators import only_digits
from ilag.views import add_service_errors, conflict_message
from municipalities.filters import municipality_lookup
from municipalities.models import Municipality
from projects.figures import traffic_light_label
from projects.filters import ProjectFilter, latest_approved_light
from projects.forms import (
    BaseIndicatorFormSet,
    BudgetGridForm,
    FundingFormSet,
    IndicatorFormSet,
    ProjectForm,
    source_choices,
)
from projects.models import Indicator, Project
from projects.permissions import can_edit_project
from projects.services import (
    change_reasons,
    change_request_create,
    indicators_save,
    project_financing_save,
    project_update,
)
from projects.shares import municipality_part, project_shares, share_of, shares_text
from projects.views.mixins import VisibleProjectMixin


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

    def export(self, queryset, kind, filterset=None):
        """The export names each joint project's shares; filtered to one municipality,
        it also gives that municipality's part of each budget and grant, so the column
        sums are the municipality's figures."""
        columns = [
            *type(self).export_columns,
            Column(
                gettext_lazy("Lead municipality"),
                lambda p: p.lead_municipality.name if p.lead_municipality else "",
            ),
            Column(gettext_lazy("Shares of a joint project"), shares_text),
        ]
        municipality = self.filtered_municipality()
        if municipality is not None:
            columns += self.municipality_columns(municipality)
        self.export_columns = columns
        queryset = queryset.select_related("lead_municipality").prefetch_related("shares")
        return super().export(queryset, kind, filterset=filterset)

    def municipality_columns(self, municipality) -> list[Column]:
        """The municipality's share and parts, when the list is filtered to one."""

        def part(field):
            return lambda p: municipality_part(
                getattr(p, field), project_shares(p), municipality.pk
            )

        return [
            Column(
                _("%(municipality)s's share (%%)") % {"municipality": municipality.name},
                lambda p: share_of(project_shares(p), municipality.pk),
            ),
            Column(
                _("%(municipality)s's part of the budget (NOK)")
                % {"municipality": municipality.name},
                part("budget_sum"),
            ),
            Column(
                _("%(municipality)s's part of the grant (NOK)")
                % {"municipality": municipality.name},
                part("county_sum"),
            ),
        ]

    def filtered_municipality(self):
        value = self.request.GET.get("kommune", "").strip()
        if not value:
            return None
        matches = list(Municipality.objects.filter(**municipality_lookup(value))[:2])
        return matches[0] if len(matches) == 1 else None

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


CHANGE_REQUEST_SENT = gettext_lazy(
    "The change request is sent to the county's advisers. The project stays as it was "
    "until an adviser approves it."
)


def leader_change_reasons(user, project, **change) -> list[str]:
    """Why a project leader's change needs a change request; advisers change directly."""
    if user.is_adviser:
        return []
    return change_reasons(project, **change)


class ProjectUpdateView(VisibleProjectMixin, FormView):
    """Edit a project's facts; refuses to overwrite a newer version."""

    permission = staticmethod(can_edit_project)
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.project,
            "may_set_status": self.request.user.is_adviser,
        }

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.cleaned_data}
        reasons = leader_change_reasons(
            self.request.user,
            self.project,
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
        )
        if reasons:
            return self.period_change_request(form, data, reasons)
        try:
            project_update(
                project=self.project,
                version=form.cleaned_data["version"],
                data=data,
                shares=form.share_entries(),
                lead_id=form.lead_id(),
            )
        except EditConflict as conflict:
            form.add_error(None, conflict_message(conflict, _("The project")))
            return self.conflict_response(form)
        except ValidationError as error:
            sections = add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, sections=sections))
        messages.success(self.request, _("The project is saved."))
        return redirect(self.project.get_absolute_url())

    def period_change_request(self, form, data, reasons):
        """A leader's new period for an approved project goes to the advisers as a
        change request (with a reason); nothing else on the form is saved meanwhile."""
        request = self.request
        reason = request.POST.get("change_reason", "")
        context = {"change_reasons": reasons, "change_reason": reason}
        if request.POST.get("send_change_request"):
            try:
                change_request_create(
                    project=self.project,
                    version=form.cleaned_data["version"],
                    user=request.user,
                    reason=reason,
                    reasons=reasons,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except EditConflict as conflict:
                form.add_error(None, conflict_message(conflict, _("The project")))
                return self.conflict_response(form)
            except ValidationError as error:
                sections = add_service_errors(form, error)
                context["change_reason_error"] = " ".join(sections.pop("change_reason", []))
                context["sections"] = sections
            else:
                messages.success(request, CHANGE_REQUEST_SENT)
                return redirect(self.project.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, **context))

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
            budget = grid.entries()
            reasons = leader_change_reasons(
                request.user, self.project, budget=budget, funding=entries
            )
            try:
                if reasons:
                    return self.change_request(
                        reasons,
                        grid=grid,
                        funding=funding,
                        budget=budget,
                        funding_entries=entries,
                    )
                project_financing_save(
                    project=self.project,
                    version=grid.cleaned_data["version"],
                    budget=budget,
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

    def change_request(self, reasons, *, grid, funding, budget, funding_entries):
        """A leader's change above the programme's threshold: with a reason it goes to
        the advisers as a change request; without one the page says why it must."""
        request = self.request
        reason = request.POST.get("change_reason", "")
        context = {"change_reasons": reasons, "change_reason": reason}
        if request.POST.get("send_change_request"):
            try:
                change_request_create(
                    project=self.project,
                    version=grid.cleaned_data["version"],
                    user=request.user,
                    reason=reason,
                    reasons=reasons,
                    budget=budget,
                    funding=funding_entries,
                )
            except ValidationError as error:
                sections = add_service_errors(grid, error)
                context["change_reason_error"] = " ".join(sections.pop("change_reason", []))
                context["sections"] = sections
            else:
                messages.success(request, CHANGE_REQUEST_SENT)
                return redirect(self.project.get_absolute_url())
        return self.render_to_response(self.get_context_data(grid=grid, funding=funding, **context))

    def get_context_data(self, **kwargs):
        programme = self.project.agreement.programme
        return super().get_context_data(
            programme=programme,
            county_source=f"o{programme.owner_id}",
            **kwargs,
        )


class ProjectTargetsView(VisibleProjectMixin, TemplateView):
    """The project's target figures (måltall): kind, unit, baseline and target; the
    programme's required kinds are offered on a new project's empty rows."""

    permission = staticmethod(can_edit_project)
    template_name = "projects/project_targets.html"

    def formset(self, data=None):
        project = self.project
        present = set(project.indicators.values_list("kind", flat=True))
        required = [
            kind for kind in project.agreement.programme.target_figure_kinds if kind not in present
        ]
        formset_class = IndicatorFormSet
        if len(required) > formset_class.extra:
            formset_class = forms.modelformset_factory(
                Indicator,
                form=IndicatorFormSet.form,
                formset=BaseIndicatorFormSet,
                extra=len(required),
                can_delete=True,
            )
        return formset_class(
            data,
            queryset=project.indicators.all(),
            prefix="targets",
            initial=[{"kind": kind} for kind in required],
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(formset=self.formset(), version=self.project.version)
        )

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        version = request.POST.get("version", "")
        if formset.is_valid():
            try:
                indicators_save(
                    project=self.project,
                    version=int(version) if only_digits(version) else -1,
                    formset=formset,
                )
            except EditConflict as conflict:
                messages.error(request, conflict_message(conflict, _("The project")))
                version = Project.objects.values_list("version", flat=True).get(pk=self.project.pk)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The target figures are saved."))
                return redirect(self.project.get_absolute_url())
        return self.render_to_response(self.get_context_data(formset=formset, version=version))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.project.agreement.programme,
            required=[
                Indicator.Kind(kind).label
                for kind in self.project.agreement.programme.target_figure_kinds
            ],
            **kwargs,
        )
