"""The county adviser's overview of one programme: where things stand, what needs him.

The programme's totals and its municipalities' figures are kept up to date as the data
changes (portal.summary) and read in one query; what depends on today's date (the next
milestone, the overdue ones) and the lists of what waits for the advisers are read for
the page when it is shown, in a fixed number of queries whatever the number of projects.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from agreements.models import Agreement
from evaluations.models import Milestone, MilestoneReport
from municipalities.models import Municipality
from projects.models import ChangeRequest, ProgressReport, Project

RANK_LIGHT = {3: "red", 2: "yellow", 1: "green"}


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


def totals_of(figures: dict) -> Totals:
    """The programme's totals from its figures (portal.summary)."""
    return Totals(
        frame=figures["frame"],
        budget=figures["budget"],
        incurred=figures["incurred"],
        funding=[tuple(pair) for pair in figures["funding"]],
        own_contributions=figures["own_contributions"],
        projects=figures["projects"],
    )


def lights_of(figures: dict) -> list[tuple[str, str, int]]:
    """How many projects have each light in their latest approved status report, and
    how many have none: the four sum to the programme's approved projects."""
    counts = figures["lights"]
    return [
        ("green", _("Green"), counts["green"]),
        ("yellow", _("Yellow"), counts["yellow"]),
        ("red", _("Red"), counts["red"]),
        ("", _("No approved report"), figures["projects"] - sum(counts.values())),
    ]


def municipality_rows(rows: list[dict]) -> list[Municipality]:
    """The page's rows of municipalities (portal.summary's), as municipalities with
    their figures."""
    result = []
    for row in rows:
        municipality = Municipality(pk=row["id"], name=row["name"], number=row["number"])
        municipality.agreement_pk = row["agreement"]
        municipality.agreement_status = row["agreement_status"]
        municipality.agreement_status_label = (
            Agreement.Status(row["agreement_status"]).label if row["agreement_status"] else ""
        )
        municipality.project_count = row["projects"]
        municipality.worst_light = RANK_LIGHT.get(row["worst"], "")
        municipality.budget = row["budget"]
        municipality.incurred = row["incurred"]
        municipality.waiting = row["waiting"]
        result.append(municipality)
    return result


def planned_milestones(programme) -> dict[int, list[list[str]]]:
    """Per municipality, its planned milestones as [ISO date, kind], by date: those of
    its agreements in the programme and of the approved projects it takes part in (kept
    by portal.summary; which is next and which are overdue depends on the day the page
    is shown, `milestone_figures`). Two queries."""
    planned = Milestone.objects.filter(status=Milestone.Status.PLANNED).order_by()
    found = defaultdict(dict)  # municipality: {milestone id: (due date, kind)}
    for path, milestones in (
        ("agreement__municipalities", planned.filter(agreement__programme=programme)),
        (
            "project__municipalities",
            planned.filter(
                project__in=Project.objects.filter(agreement__programme=programme)
                .counted()
                .values("pk")
            ),
        ),
    ):
        for municipality_id, pk, due, kind in milestones.filter(
            **{f"{path}__isnull": False}
        ).values_list(path, "pk", "due_date", "kind"):
            found[municipality_id][pk] = (due, kind)
    return {
        municipality_id: [
            [due.isoformat(), kind]
            for due, _pk, kind in sorted((due, pk, kind) for pk, (due, kind) in dates.items())
        ]
        for municipality_id, dates in found.items()
    }


def milestone_figures(milestones: list[list[str]], today) -> dict:
    """The next planned milestone (date and kind) and how many are past their date, from
    a municipality's `planned_milestones`."""
    day = today.isoformat()
    coming = [(due, kind) for due, kind in milestones if due >= day]
    return {
        "next_due": date.fromisoformat(coming[0][0]) if coming else None,
        "next_kind": coming[0][1] if coming else "",
        "overdue": sum(1 for due, _kind in milestones if due < day),
    }


def open_milestone_dates(programme) -> dict[str, int]:
    """How many of the programme's milestones (its own, its agreements' and its
    projects') are planned for each day, for the count of those overdue."""
    return {
        due.isoformat(): count
        for due, count in Milestone.objects.open()
        .filter(
            Q(programme=programme)
            | Q(agreement__programme=programme)
            | Q(project__agreement__programme=programme)
        )
        .order_by()
        .values("due_date")
        .annotate(n=Count("pk"))
        .values_list("due_date", "n")
    }


def overdue_count(dates: dict[str, int], today) -> int:
    day = today.isoformat()
    return sum(count for due, count in dates.items() if due < day)


# Where each kind of waiting row has its project (a milestone report may have none).
PROJECT_OF = {
    "progress": lambda row: row.project,
    "milestones": lambda row: row.milestone.project,
    "proposals": lambda row: row,
    "changes": lambda row: row.project,
}

# How many waiting reports of each kind the dashboard lists.
WAITING_SHOWN = 10


def waiting_selection(programme, limit=None) -> dict:
    """What waits for the advisers in the programme (portal.summary keeps it): the ids
    of the oldest (at most `limit` of each kind) status reports, milestone reports,
    project proposals and change requests, with the number of municipalities of their
    projects, and how many there are of each."""
    limit = WAITING_SHOWN if limit is None else limit
    kinds = {
        "progress": ProgressReport.objects.filter(
            project__agreement__programme=programme, status="submitted"
        ).annotate(member_count=Project.municipality_count("project")),
        "milestones": MilestoneReport.objects.filter(
            Q(milestone__agreement__programme=programme)
            | Q(milestone__project__agreement__programme=programme),
            status="submitted",
        ).annotate(member_count=Project.municipality_count("milestone__project")),
        "proposals": Project.objects.filter(
            agreement__programme=programme, status=Project.Status.SUBMITTED
        ).annotate(member_count=Project.municipality_count()),
        "changes": ChangeRequest.objects.open()
        .filter(project__agreement__programme=programme)
        .annotate(member_count=Project.municipality_count("project")),
    }
    selection = {}
    for name, queryset in kinds.items():
        rows = list(
            queryset.order_by("submitted_at", "pk").values_list("pk", "member_count")[:limit]
        )
        count = len(rows) if len(rows) < limit else queryset.count()
        selection[name] = {"rows": [list(row) for row in rows], "count": count}
    return selection


# How the dashboard reads each kind of waiting row.
WAITING_ROWS = {
    "progress": lambda: ProgressReport.objects.select_related("project__lead_municipality"),
    "milestones": lambda: MilestoneReport.objects.select_related(
        "milestone__agreement", "milestone__project__lead_municipality"
    ),
    "proposals": lambda: Project.objects.select_related("lead_municipality"),
    "changes": lambda: ChangeRequest.objects.select_related("project__lead_municipality"),
}


def waiting_for_approval(selection: dict) -> dict:
    """The waiting rows of `selection` (`waiting_selection`'s, of a programme the
    adviser follows: he sees all of them), oldest first, with their projects named with
    their municipalities; how many wait in all, and how many of those are not listed."""
    waiting = {}
    count = 0
    for name, rows_of in WAITING_ROWS.items():
        members = dict(selection[name]["rows"])
        found = {row.pk: row for row in rows_of().filter(pk__in=members)} if members else {}
        rows = [found[pk] for pk in members if pk in found]
        for row in rows:
            # The project named with its municipalities (Project.title_with_municipality).
            project = PROJECT_OF[name](row)
            if project is not None:
                project.member_count = members[row.pk]
        waiting[name] = rows
        count += selection[name]["count"]
    waiting["count"] = count
    waiting["not_listed"] = count - sum(
        len(rows) for rows in waiting.values() if isinstance(rows, list)
    )
    return waiting
