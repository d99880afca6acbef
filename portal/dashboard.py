"""The county adviser's overview of one programme: where things stand, what needs him.

Every figure is computed in the database with a fixed number of queries, whatever the
number of projects: totals over the whole programme, and per municipality only for the
page of municipalities shown.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from agreements.models import Agreement
from evaluations.models import Milestone, MilestoneReport
from ilag.aggregates import scalar_count, scalar_sum
from municipalities.models import Municipality
from projects.models import (
    BudgetLine,
    ChangeRequest,
    FundingLine,
    ProgressReport,
    Project,
    ReportCost,
)
from projects.shares import municipality_totals

LIGHT_RANK = Case(
    When(traffic_light="red", then=Value(3)),
    When(traffic_light="yellow", then=Value(2)),
    When(traffic_light="green", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
RANK_LIGHT = {3: "red", 2: "yellow", 1: "green"}


def latest_approved_reports(projects):
    """The newest approved status report of each of `projects` (a queryset)."""
    newest = (
        ProgressReport.objects.filter(project=OuterRef("project"), status="approved")
        .order_by("-period_end", "-pk")
        .values("pk")[:1]
    )
    return ProgressReport.objects.filter(
        project__in=projects.values("pk"), status="approved", pk=Subquery(newest)
    )


def latest_approved_report_ids(projects):
    """The ids of the newest approved status report of each of `projects`, as one
    DISTINCT ON over the approved reports, for `pk__in`: PostgreSQL runs it once, where a
    subquery per project (as `latest_approved_reports`) runs once for each of thousands.
    SQLite (`make run`) has no DISTINCT ON: there, the subquery per project."""
    if not connections[projects.db].features.can_distinct_on_fields:
        return latest_approved_reports(projects).values("pk")
    return (
        ProgressReport.objects.filter(project__in=projects.values("pk"), status="approved")
        .order_by("project_id", "-period_end", "-pk")
        .distinct("project_id")
        .values("pk")
    )


def _sum(queryset, field="amount"):
    return queryset.aggregate(total=Coalesce(Sum(field), 0))["total"]


@dataclass
class Totals:
    frame: int
    budget: int
    incurred: int
    funding: list  # (name, amount)
    own_contributions: int
    projects: int  # approved projects (proposals are not counted)

    @property
    def used_percent(self):
        return self.incurred * 100 / self.budget if self.budget else None


def programme_totals(*, programme, agreements, projects) -> Totals:
    """Frames, budget, costs incurred and the number of projects in one query; funding by
    source in another (approved projects only: a proposal's money is not granted yet)."""
    projects = money_projects(projects)

    figures = (
        type(programme)
        .objects.filter(pk=programme.pk)
        .annotate(
            frame=scalar_sum(agreements, "county_frame"),
            budget=scalar_sum(BudgetLine.objects.filter(project__in=projects.values("pk"))),
            incurred=scalar_sum(
                ReportCost.objects.filter(report__in=latest_approved_report_ids(projects))
            ),
            projects=scalar_count(projects),
        )
        .values("frame", "budget", "incurred", "projects")
        .get()
    )
    funding_rows = list(
        FundingLine.objects.filter(project__in=projects.values("pk"))
        .values("source__name")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    )
    return Totals(
        frame=figures["frame"],
        budget=figures["budget"],
        incurred=figures["incurred"],
        funding=[(r["source__name"], r["total"]) for r in funding_rows if r["source__name"]],
        own_contributions=sum(r["total"] for r in funding_rows if not r["source__name"]),
        projects=figures["projects"] or 0,
    )


def light_distribution(projects, *, project_count: int) -> list[tuple[str, str, int]]:
    """How many of `projects` (`project_count` of them, as `programme_totals` counts) have
    each traffic light in their latest approved report: one query, which reads the
    latest reports once and counts them by light."""
    by_light = dict(
        ProgressReport.objects.filter(pk__in=latest_approved_report_ids(projects))
        .order_by()
        .values_list("traffic_light")
        .annotate(count=Count("pk"))
    )
    counts = {light: by_light.get(light, 0) for light in ("green", "yellow", "red")}
    return [
        ("green", _("Green"), counts["green"]),
        ("yellow", _("Yellow"), counts["yellow"]),
        ("red", _("Red"), counts["red"]),
        ("", _("No approved report"), project_count - sum(counts.values())),
    ]


def municipality_rows(*, programme, municipalities, projects, today) -> list:
    """Per municipality: agreement status, projects, budget, incurred (a joint project
    with the municipality's share), worst latest light, next milestone, overdue and
    waiting-for-approval counts; five queries."""
    # Inside a subquery of a subquery the municipality is two levels out.
    own_projects = projects.filter(municipalities=OuterRef("pk"))
    own_projects_nested = projects.filter(municipalities=OuterRef(OuterRef("pk")))

    latest = latest_approved_reports(projects).filter(project__municipalities=OuterRef("pk"))
    open_milestones = Milestone.objects.filter(status=Milestone.Status.PLANNED).filter(
        Q(agreement__programme=programme, agreement__municipalities=OuterRef("pk"))
        | Q(project__in=own_projects_nested.values("pk"))
    )
    rows = list(
        municipalities.annotate(
            agreement_status=Subquery(
                Agreement.objects.filter(programme=programme, municipalities=OuterRef("pk"))
                .order_by("-start_date")
                .values("status")[:1]
            ),
            agreement_pk=Subquery(
                Agreement.objects.filter(programme=programme, municipalities=OuterRef("pk"))
                .order_by("-start_date")
                .values("pk")[:1]
            ),
            project_count=Coalesce(
                Subquery(
                    own_projects.order_by()
                    .annotate(g=Value(1))
                    .values("g")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                Value(0),
            ),
            worst_rank=Coalesce(
                Subquery(latest.annotate(rank=LIGHT_RANK).order_by("-rank").values("rank")[:1]),
                Value(0),
            ),
            next_due=Subquery(
                open_milestones.filter(due_date__gte=today)
                .order_by("due_date")
                .values("due_date")[:1],
                output_field=DateField(),
            ),
            next_kind=Subquery(
                open_milestones.filter(due_date__gte=today).order_by("due_date").values("kind")[:1]
            ),
            overdue=Coalesce(
                Subquery(
                    open_milestones.filter(due_date__lt=today)
                    .order_by()
                    .annotate(g=Value(1))
                    .values("g")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                Value(0),
            ),
            waiting=Coalesce(
                Subquery(
                    ProgressReport.objects.filter(
                        project__in=own_projects_nested.values("pk"), status="submitted"
                    )
                    .order_by()
                    .annotate(g=Value(1))
                    .values("g")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                Value(0),
            )
            + Coalesce(
                Subquery(
                    MilestoneReport.objects.filter(
                        status="submitted",
                        milestone__agreement__programme=programme,
                        milestone__agreement__municipalities=OuterRef("pk"),
                    )
                    .order_by()
                    .annotate(g=Value(1))
                    .values("g")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                Value(0),
            ),
        )
    )
    money = municipality_totals(money_projects(projects), municipality_ids=[row.pk for row in rows])
    for row in rows:
        figures = money.get(row.pk, {})
        row.budget = figures.get("budget", 0)
        row.incurred = figures.get("incurred", 0)
        row.grant = figures.get("grant", 0)
    return rows


def money_projects(projects):
    """The projects whose money counts: approved ones, not proposals."""
    return projects.counted()


# Where each kind of waiting row has its project (a milestone report may have none).
PROJECT_OF = {
    "progress": lambda row: row.project,
    "milestones": lambda row: row.milestone.project,
    "proposals": lambda row: row,
    "changes": lambda row: row.project,
}

# How many waiting reports of each kind the dashboard lists.
WAITING_SHOWN = 10


def waiting_for_approval(*, user, programme, limit=None) -> dict:
    """What waits for the advisers in the programme, oldest first (at most `limit` of
    each kind): status reports, milestone reports, project proposals and change
    requests; and how many there are in all (counted only when a list is full)."""
    limit = WAITING_SHOWN if limit is None else limit
    kinds = {
        "progress": ProgressReport.objects.visible_to(user)
        .filter(project__agreement__programme=programme, status="submitted")
        .select_related("project__lead_municipality")
        .annotate(member_count=Project.municipality_count("project"))
        .order_by("submitted_at"),
        "milestones": MilestoneReport.objects.visible_to(user)
        .filter(
            Q(milestone__agreement__programme=programme)
            | Q(milestone__project__agreement__programme=programme),
            status="submitted",
        )
        .select_related("milestone__agreement", "milestone__project__lead_municipality")
        .annotate(member_count=Project.municipality_count("milestone__project"))
        .order_by("submitted_at"),
        "proposals": Project.objects.visible_to(user)
        .filter(agreement__programme=programme, status=Project.Status.SUBMITTED)
        .select_related("lead_municipality")
        .annotate(member_count=Project.municipality_count())
        .order_by("submitted_at"),
        "changes": ChangeRequest.objects.visible_to(user)
        .open()
        .filter(project__agreement__programme=programme)
        .select_related("project__lead_municipality")
        .annotate(member_count=Project.municipality_count("project"))
        .order_by("submitted_at"),
    }
    waiting = {}
    count = 0
    for name, queryset in kinds.items():
        rows = list(queryset[:limit])
        for row in rows:
            # The project named with its municipalities (Project.title_with_municipality).
            project = PROJECT_OF[name](row)
            if project is not None:
                project.member_count = row.member_count
        waiting[name] = rows
        count += len(rows) if len(rows) < limit else queryset.count()
    waiting["count"] = count
    waiting["not_listed"] = count - sum(
        len(rows) for rows in waiting.values() if isinstance(rows, list)
    )
    return waiting


def participating_municipalities(programme, agreements, projects):
    """The parties to the agreements and the municipalities taking part in projects
    (a joint project may include a municipality from outside the agreement)."""
    return Municipality.objects.filter(
        Q(
            pk__in=Agreement.municipalities.through.objects.filter(
                agreement__in=agreements.values("pk")
            ).values("municipality")
        )
        | Q(
            pk__in=Project.municipalities.through.objects.filter(
                project__in=money_projects(projects).values("pk")
            ).values("municipality")
        )
    ).order_by("name")
