"""A project's page and a status report's page: the project's own figures with its
milestones, documents and change history, which live in the apps above projects."""

from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from accounts.permissions import leader_municipality_ids
from agreements.models import Agreement
from archive.models import ArchiveRecord
from archive.permissions import can_follow_archive
from documents.models import Document
from documents.permissions import can_attach_document
from documents.views import DOCUMENT_PAGES
from evaluations.models import Milestone
from evaluations.overview import stale_projects, weeks_between
from ilag.forms import ReviewForm
from ilag.lists import Column
from ilag.paging import Section
from ilag.views import ReadOnlyPageMixin
from payouts.figures import money_of, with_money
from payouts.permissions import can_view_project_payouts
from portal.views.archive import archive_records_for
from projects.figures import (
    budget_grid,
    indicator_progress,
    spending_by_category,
    with_latest_values,
)
from projects.models import ChangeRequest, Indicator, ProgressReport, Project, ReportCost
from projects.permissions import (
    can_close_project,
    can_create_report,
    can_edit_project,
    can_edit_report,
    can_read_review_comment,
    can_reopen_project,
    can_review_project,
    can_review_report,
    can_submit_project,
    can_submit_report,
)
from projects.shares import municipality_part, project_shares, share_parts
from projects.views import projects as projects_views
from projects.views.reports import VisibleReportMixin
from reports.history import changes_for_project, changes_for_report, history_page

# A project's status reports, newest first: 20 a page («?rapporter=2»), over a year and a
# half of monthly reports.
REPORT_PAGES = Section("rapporter", per_page=20)


class ProjectDetailView(ReadOnlyPageMixin, DetailView):
    model = Project
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return (
            with_money(Project.objects.visible_to(self.request.user))
            .with_totals()
            .select_related(
                "agreement__programme__owner",
                "focus_area",
                "leader",
                "submitted_by",
                "reviewed_by",
                "closed_by",
            )
            .prefetch_related(
                "municipalities",
                "shares",
                # With their values in the latest approved report: no query for those.
                Prefetch("indicators", queryset=with_latest_values(Indicator.objects.all())),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        project = self.object
        budget_lines = list(project.budget_lines.select_related("category"))
        approved = ProgressReport.Status.APPROVED
        reports = REPORT_PAGES.page(
            ProgressReport.objects.visible_to(user)
            .filter(project=project)
            .select_related("submitted_by", "reviewed_by")
            # The costs of the reports read, in one query: the latest's are shown, and the
            # change history names their categories.
            .prefetch_related(
                Prefetch("costs", queryset=ReportCost.objects.select_related("category"))
            )
            .annotate(
                newest_of_status=Window(
                    RowNumber(),
                    partition_by=F("status"),
                    order_by=ProgressReport._meta.ordering,
                )
            ),
            self.request.GET,
            # The latest approved report (the indicators, the costs incurred) wherever it
            # stands in the list, read with the page.
            also=Q(status=approved, newest_of_status=1),
        )
        latest = next((r for r in reports.fetched if r.status == approved), None)
        funding_lines = list(project.funding_lines.select_related("source", "source_municipality"))
        # What the page has loaded, so that the change history need not look it up again.
        known = [
            project.agreement,
            project.agreement.programme.owner,
            project.focus_area,
            project.leader,
            project.submitted_by,
            project.reviewed_by,
            project.closed_by,
            *project.municipalities.all(),
            *project.indicators.all(),
            *(line.category for line in budget_lines),
            *(line.source or line.source_municipality for line in funding_lines),
            *reports.fetched,
            *(person for r in reports.fetched for person in (r.submitted_by, r.reviewed_by)),
            *(cost.category for r in reports.fetched for cost in r.costs.all()),
        ]
        context.update(
            budget=budget_grid(budget_lines),
            funding_lines=funding_lines,
            indicators=indicator_progress(project, latest),
            spending=spending_by_category(budget_lines, list(latest.costs.all()) if latest else []),
            latest_report=latest,
            reports=reports,
            milestones=Milestone.objects.visible_to(user)
            .filter(Q(project=project) | Q(agreement=project.agreement_id))
            .select_related("responsible", "project", "agreement"),
            county_share=project.county_share_percent(),
            financing_problems=project.financing_problems(),
            can_edit=can_edit_project(user, project),
            can_submit=can_submit_project(user, project),
            can_review=can_review_project(user, project),
            can_close=can_close_project(user, project),
            can_reopen=can_reopen_project(user, project),
            shares=self.shares(project),
            change_requests=ChangeRequest.objects.visible_to(user)
            .filter(project=project)
            .select_related("submitted_by", "reviewed_by"),
            can_create_report=can_create_report(user, project),
            documents=DOCUMENT_PAGES.page(
                Document.objects.visible_to(user)
                .filter(project=project)
                .select_related("uploaded_by"),
                self.request.GET,
            ),
            upload_url=reverse("documents:upload-project", args=[project.pk]),
            can_attach=can_attach_document(user, project),
            archive_records=archive_records_for(
                user,
                changed=True,
                project=project,
                kind__in=(
                    ArchiveRecord.Kind.PROJECT_APPROVED,
                    ArchiveRecord.Kind.CHANGE_APPROVED,
                    ArchiveRecord.Kind.FINAL_REPORT_APPROVED,
                ),
            ),
            can_follow_archive=can_follow_archive(user),
            can_delete=can_attach_document(user, project),
            history=changes_for_project(
                project, user=user, known=known, page=history_page(self.request.GET)
            ),
            # Read with the project; a proposal has no money yet (as money_by_project).
            money=None if project.is_proposal else money_of(project),
            can_view_payouts=can_view_project_payouts(user, project),
        )
        return context

    @staticmethod
    def shares(project) -> list[dict]:
        municipalities = {m.pk: m for m in project.municipalities.all()}
        return [
            {**part, "municipality": municipalities[part["municipality_id"]]}
            for part in share_parts(project, budget=project.budget_sum)
        ]


class ReportDetailView(ReadOnlyPageMixin, VisibleReportMixin, DetailView):
    template_name = "projects/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return self.report

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = self.report
        budget = {}
        for line in self.project.budget_lines.all():
            budget[line.category_id] = budget.get(line.category_id, 0) + line.amount
        costs = [
            {"cost": c, "budget": budget.get(c.category_id, 0)}
            for c in report.costs.select_related("category")
        ]
        values = list(report.indicator_values.select_related("indicator"))
        # What the page has loaded, so that the change history need not look it up again.
        known = [
            report.submitted_by,
            report.reviewed_by,
            *(row["cost"].category for row in costs),
            *(value.indicator for value in values),
        ]
        return super().get_context_data(
            project=self.project,
            costs=costs,
            costs_total=sum(c["cost"].amount for c in costs),
            budget_total=sum(budget.values()),
            values=values,
            can_edit=can_edit_report(user, report),
            can_submit=can_submit_report(user, report),
            can_review=can_review_report(user, report),
            review_form=ReviewForm(),
            documents=DOCUMENT_PAGES.page(
                report.documents.select_related("uploaded_by"), self.request.GET
            ),
            upload_url=reverse("documents:upload-report", args=[report.pk]),
            can_attach=can_attach_document(user, report),
            can_delete=can_attach_document(user, report),
            history=changes_for_report(
                report, user=user, known=known, page=history_page(self.request.GET)
            ),
            show_review_comment=can_read_review_comment(user, self.project),
            **kwargs,
        )


# A project leader's projects on «Mine prosjekter», 25 a page.
MY_PROJECT_PAGES = Section("prosjekter", per_page=25)


# How many of a leader's projects behind with their status reports the page names.
BEHIND_SHOWN = 10


class MyProjectsView(ReadOnlyPageMixin, TemplateView):
    """A project leader's landing page: his projects, what is due next, what came back."""

    template_name = "projects/my_projects.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        own_ids = leader_municipality_ids(user)
        # Through a subquery, not a join: each project once, without DISTINCT (which a
        # paged list's window count would not see).
        own = Project.objects.filter(
            pk__in=Project.municipalities.through.objects.filter(
                municipality_id__in=own_ids
            ).values("project_id")
        )
        projects = MY_PROJECT_PAGES.page(
            own.with_totals()
            .select_related("agreement__programme")
            .prefetch_related(
                "municipalities",
                # Each project's latest status report only, however many it has.
                Prefetch(
                    "progress_reports",
                    queryset=ProgressReport.objects.order_by("-period_end", "-pk")[:1],
                    to_attr="reports_newest_first",
                ),
            )
            .order_by("status", "agreement__programme__name", "number", "title"),
            self.request.GET,
        )
        reports = ProgressReport.objects.filter(project__in=own.values("pk"))
        today = timezone.localdate()
        # Ongoing projects without an approved status report within their programme's
        # limit (what the advisers see under «Frister»), the longest behind first.
        behind = list(
            stale_projects(user, today)
            .filter(pk__in=own.values("pk"))
            .prefetch_related(None)[: BEHIND_SHOWN + 1]
        )
        for project in behind:
            project.weeks_since = weeks_between(project.stale_since, today)
        return super().get_context_data(
            projects=projects,
            behind=behind[:BEHIND_SHOWN],
            more_behind=len(behind) > BEHIND_SHOWN,
            proposable=Agreement.objects.visible_to(user)
            .filter(
                municipalities__in=own_ids,
                status__in=(Agreement.Status.SIGNED, Agreement.Status.ACTIVE),
            )
            .distinct()
            .order_by("title"),
            returned_proposals=own.filter(status=Project.Status.RETURNED).order_by("title"),
            returned=reports.filter(status=ProgressReport.Status.RETURNED).select_related(
                "project", "reviewed_by"
            ),
            drafts=reports.filter(status=ProgressReport.Status.DRAFT).select_related("project"),
            submitted=reports.filter(status=ProgressReport.Status.SUBMITTED).select_related(
                "project"
            ),
            deadlines=Milestone.objects.visible_to(user)
            .filter(Q(project__in=own.values("pk")) | Q(agreement__municipalities__in=own_ids))
            .filter(status=Milestone.Status.PLANNED)
            .select_related("project", "agreement")
            .distinct()
            .order_by("due_date")[:10],
            today=today,
            **kwargs,
        )


class ProjectListView(projects_views.ProjectListView):
    """The project list, whose export also gives each project's grant money: granted,
    ordered, paid and remaining (and, filtered to one municipality, its parts)."""

    export_columns = [
        *projects_views.ProjectListView.export_columns,
        Column(gettext_lazy("Granted (NOK)"), lambda p: money_of(p).granted),
        Column(gettext_lazy("Ordered, not paid (NOK)"), lambda p: money_of(p).ordered),
        Column(gettext_lazy("Paid (NOK)"), lambda p: money_of(p).paid),
        Column(gettext_lazy("Remaining of the grant (NOK)"), lambda p: money_of(p).remaining),
    ]

    def decorate(self, queryset):
        return with_money(super().decorate(queryset))

    def extra_context_for(self, rows):
        return {
            **super().extra_context_for(rows),
            "show_paid": True,
            "page_paid": sum(p.paid_sum for p in rows),
        }

    def municipality_columns(self, municipality):
        def part(name):
            return lambda p: municipality_part(
                getattr(money_of(p), name), project_shares(p), municipality.pk
            )

        return [
            *super().municipality_columns(municipality),
            Column(
                _("%(municipality)s's part of what is paid (NOK)")
                % {"municipality": municipality.name},
                part("paid"),
            ),
            Column(
                _("%(municipality)s's part of what remains of the grant (NOK)")
                % {"municipality": municipality.name},
                lambda p: sum(
                    municipality_part(
                        getattr(money_of(p), name), project_shares(p), municipality.pk
                    )
                    * sign
                    for name, sign in (("granted", 1), ("ordered", -1), ("paid", -1))
                ),
            ),
        ]
