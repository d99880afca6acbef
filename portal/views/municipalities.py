"""The municipalities: the list, and each municipality's page with its agreements,
projects and milestones."""

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView

from agreements.models import Agreement
from evaluations.models import Milestone
from ilag.paging import Section
from ilag.views import ReadOnlyPageMixin
from municipalities.models import Municipality
from municipalities.permissions import can_edit_municipality
from payouts.figures import money_by_municipality
from projects.models import Project, agreements_with_totals
from projects.shares import municipality_part, share_of, shares_for, split_figures

# The municipality's milestones (its agreements' and its projects', by due date): 25 a
# page, read with their count in one query.
MILESTONE_PAGES = Section("milepeler", per_page=25)
# Its projects, 25 a page; the totals under them are over all of them.
PROJECT_PAGES = Section("prosjekter", per_page=25)


class MunicipalityListView(ReadOnlyPageMixin, ListView):
    model = Municipality
    template_name = "municipalities/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50
    page_kwarg = "side"

    def get_queryset(self):
        user = self.request.user
        visible_projects = Project.objects.visible_to(user).values("pk")
        return (
            Municipality.objects.visible_to(user)
            .annotate(
                project_count=Count(
                    "projects", filter=Q(projects__in=visible_projects), distinct=True
                )
            )
            .prefetch_related(
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.visible_to(user).select_related("programme"),
                    to_attr="visible_agreements",
                )
            )
            .order_by("name")
        )


class MunicipalityDetailView(ReadOnlyPageMixin, DetailView):
    model = Municipality
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Municipality.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        municipality = self.object
        agreements = list(
            agreements_with_totals(
                Agreement.objects.visible_to(user).filter(municipalities=municipality), user
            ).select_related("programme")
        )
        visible = Project.objects.visible_to(user).filter(
            pk__in=Project.municipalities.through.objects.filter(municipality=municipality).values(
                "project_id"
            )
        )
        # Every project's figures in one query of plain values, and their shares (two
        # queries): the totals are over all the municipality's projects, whichever page
        # of them is shown. A joint project counts with this municipality's share; a
        # proposal not at all.
        figures = list(
            visible.with_totals()
            .order_by()
            .values_list("pk", "lead_municipality_id", "status", "budget_sum", "county_sum")
        )
        shares = shares_for([row[0] for row in figures], {row[0]: row[1] for row in figures})
        counted = {
            pk: {"budget": budget, "grant": grant}
            for pk, _lead, status, budget, grant in figures
            if status not in Project.PROPOSAL_STATES
        }
        totals = split_figures(counted, shares).get(municipality.pk, {})
        projects = PROJECT_PAGES.page(
            visible.select_related("agreement__programme", "focus_area", "leader").prefetch_related(
                "municipalities"
            ),
            self.request.GET,
        )
        sums = {pk: (budget, grant) for pk, _lead, _status, budget, grant in figures}
        for project in projects:
            project.budget_sum, project.county_sum = sums[project.pk]
            project.share_percent = share_of(shares[project.pk], municipality.pk)
            project.part_budget = municipality_part(
                project.budget_sum, shares[project.pk], municipality.pk
            )
            project.part_grant = municipality_part(
                project.county_sum, shares[project.pk], municipality.pk
            )
        context.update(
            agreements=agreements,
            projects=projects,
            total_budget=totals.get("budget", 0),
            total_county=totals.get("grant", 0),
            has_proposals=len(counted) < len(figures),
            can_edit=can_edit_municipality(user),
            money=money_by_municipality(
                Project.objects.visible_to(user), municipality_ids=[municipality.pk], shares=shares
            )[municipality.pk],
            # Through subqueries, not joins: a milestone is listed once (no DISTINCT, which
            # the page's window count would not see).
            milestones=MILESTONE_PAGES.page(
                Milestone.objects.visible_to(user)
                .filter(
                    Q(
                        agreement__in=Agreement.objects.filter(municipalities=municipality).values(
                            "pk"
                        )
                    )
                    | Q(
                        project__in=Project.objects.filter(municipalities=municipality).values("pk")
                    )
                )
                .select_related("agreement", "project", "responsible"),
                self.request.GET,
            ),
        )
        return context
