"""The dashboard's figures kept up to date as the data they come from changes.

A programme's totals and its municipalities' rows (budget, costs incurred, money, lights,
projects, agreement, milestones, what waits for approval) are computed when something
that feeds them changes, not when the dashboard is viewed: viewed, they are one row
(`ProgrammeSummary`) read in one query, whatever the number of projects.

How they stay true:
- Every save, delete or re-link of a row that feeds the figures (`FEEDS`) writes a
  `ProgrammeChange` for its programme in the same transaction, so it commits or rolls back
  with the change. Each is a row of its own: writers never wait for one another.
- When the transaction commits, the programmes changed are computed again (`refresh`),
  under the lock of their summary row (two computations of a programme wait for each
  other, never a writer). A computation removes the changes it has seen before it
  started, and only those: a change committed meanwhile stays, and its own commit
  computes the figures again.
- A summary with a change not yet in it is never read: the page computes the figures
  itself (`figures_for`), from the same function. So a computation that fails after a
  commit (the change is saved) leaves the page slower, never wrong.
- `manage.py refresh_summaries` computes every programme's summary again (after a bulk
  load, a restore or a release that computes them differently; `FORMAT` tells a summary
  of an earlier shape, which is not read). tests/portal/test_summary.py reconciles the
  kept figures with the tables' after every kind of change.

Only the county's advisers see the dashboard, and an adviser sees every project and
agreement of a programme he follows: the figures are the programme's, the same for each.
"""

import logging
from collections import defaultdict

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone

from agreements.models import Agreement, Programme
from evaluations.models import MilestoneReport
from municipalities.models import Municipality
from payouts.figures import FIGURES, money_rows, split_money
from payouts.money import ProjectMoney
from portal import dashboard
from portal.models import ProgrammeChange, ProgrammeSummary
from projects.models import FundingLine, ProgressReport, Project
from projects.shares import (
    latest_approved_report_ids,
    project_figures,
    shares_for,
    split_figures,
)

logger = logging.getLogger(__name__)

# The shape of the kept figures: a summary kept in another shape (by an earlier release)
# is not read, but computed again.
FORMAT = 4
LIGHTS = ("green", "yellow", "red")
LIGHT_RANK = {light: rank for rank, light in dashboard.RANK_LIGHT.items()}

# What feeds the figures: each model with the path (or paths) from its rows to their
# programme.
FEEDS = {
    "agreements.Programme": "pk",
    "agreements.Agreement": "programme",
    "agreements.AgreementAddendum": "agreement__programme",
    "projects.Project": "agreement__programme",
    "projects.ProjectShare": "project__agreement__programme",
    "projects.BudgetLine": "project__agreement__programme",
    "projects.FundingLine": "project__agreement__programme",
    "projects.ProgressReport": "project__agreement__programme",
    "projects.ReportCost": "report__project__agreement__programme",
    "payouts.Settlement": "project__agreement__programme",
    "payouts.PaymentRequest": "project__agreement__programme",
    "payouts.Payout": "project__agreement__programme",
    "evaluations.Milestone": (
        "programme",
        "agreement__programme",
        "project__agreement__programme",
    ),
    "evaluations.MilestoneReport": (
        "milestone__agreement__programme",
        "milestone__project__agreement__programme",
    ),
    # What waits for the advisers is listed on the dashboard.
    "projects.ChangeRequest": "project__agreement__programme",
}
# Their names and numbers are in every programme's summary.
FEEDS_EVERY_PROGRAMME = {"municipalities.Municipality", "municipalities.Organisation"}
# The models of these apps that the figures do not read (a test holds that every model
# of the apps is in one of the three).
WATCHED_APPS = ("municipalities", "agreements", "projects", "evaluations", "payouts")
NOT_FEEDING = {
    "agreements.FocusArea",
    "agreements.CostCategory",
    "projects.Indicator",
    "projects.IndicatorValue",
    "evaluations.MilestoneTemplate",
    "evaluations.MilestoneIndicatorResult",
    "evaluations.Reminder",
    "payouts.Tranche",
    "payouts.RequestCost",
}


# --- Computing ------------------------------------------------------------------------


def compute(programme) -> dict:
    """The programme's figures from the tables, as the summary keeps them (JSON): a
    dozen queries whatever the number of projects, and sums in Python over the rows they
    return, so that the municipalities' rows add up to the programme's totals exactly."""
    projects = Project.objects.filter(agreement__programme=programme).counted()
    per_project, leads = project_figures(projects)
    shares = shares_for(list(per_project), leads, within=projects)
    split = split_figures(per_project, shares)
    rows_of_money = list(money_rows(projects))
    money = split_money(rows_of_money, shares=shares)
    money_total = ProjectMoney()
    for _pk, _lead, project_money in rows_of_money:
        money_total.add(project_money)

    light_of = dict(
        ProgressReport.objects.filter(pk__in=latest_approved_report_ids(projects))
        .order_by()
        .values_list("project_id", "traffic_light")
    )
    lights = dict.fromkeys(LIGHTS, 0)
    for light in light_of.values():
        if light in lights:
            lights[light] += 1

    # Per municipality: its projects, the worst of their latest lights, and the status
    # reports waiting for the county.
    project_count, worst = defaultdict(int), defaultdict(int)
    waiting = defaultdict(int)
    submitted = dict(
        ProgressReport.objects.filter(project__in=projects.values("pk"), status="submitted")
        .order_by()
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    for project_id, weights in shares.items():
        rank = LIGHT_RANK.get(light_of.get(project_id), 0)
        for municipality_id, _share in weights:
            project_count[municipality_id] += 1
            worst[municipality_id] = max(worst[municipality_id], rank)
            waiting[municipality_id] += submitted.get(project_id, 0)

    # The newest agreement each party has in the programme, and the milestone reports
    # of agreements waiting (a joint agreement's once for each of its municipalities).
    agreement_of = {}
    parties = defaultdict(list)
    for municipality_id, agreement_id, status in (
        Agreement.municipalities.through.objects.filter(agreement__programme=programme)
        .order_by("municipality_id", "-agreement__start_date", "-agreement_id")
        .values_list("municipality_id", "agreement_id", "agreement__status")
    ):
        agreement_of.setdefault(municipality_id, (agreement_id, status))
        parties[agreement_id].append(municipality_id)
    for agreement_id, count in (
        MilestoneReport.objects.filter(
            status="submitted", milestone__agreement__programme=programme
        )
        .order_by()
        .values("milestone__agreement_id")
        .annotate(n=Count("pk"))
        .values_list("milestone__agreement_id", "n")
    ):
        for municipality_id in parties.get(agreement_id, ()):
            waiting[municipality_id] += count

    # The parties to the agreements and the municipalities taking part in projects (a
    # joint project may include one from outside the agreements), by name.
    participating = set(agreement_of) | set(project_count)
    milestones = dashboard.planned_milestones(programme)
    rows = []
    for pk, name, number in (
        Municipality.objects.filter(pk__in=participating)
        .order_by("name")
        .values_list("pk", "name", "number")
    ):
        agreement_id, status = agreement_of.get(pk, (None, ""))
        part = split.get(pk, {})
        rows.append(
            {
                "id": pk,
                "name": name,
                "number": number,
                "agreement": agreement_id,
                "agreement_status": status,
                "projects": project_count.get(pk, 0),
                "worst": worst.get(pk, 0),
                "budget": part.get("budget", 0),
                "incurred": part.get("incurred", 0),
                "money": _money_list(money.get(pk, ProjectMoney())),
                "waiting": waiting.get(pk, 0),
                "milestones": milestones.get(pk, []),
            }
        )

    funding = list(
        FundingLine.objects.filter(project__in=projects.values("pk"))
        .values("source__name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "source__name")
        .values_list("source__name", "total")
    )
    frame = Agreement.objects.filter(programme=programme).aggregate(
        total=Coalesce(Sum("county_frame"), 0)
    )["total"]
    return {
        "format": FORMAT,
        "frame": frame,
        "budget": sum(values["budget"] or 0 for values in per_project.values()),
        "incurred": sum(values["incurred"] or 0 for values in per_project.values()),
        "projects": len(per_project),
        "funding": [[name, total] for name, total in funding if name],
        "own_contributions": sum(total for name, total in funding if not name),
        "lights": lights,
        "money": _money_list(money_total),
        "rows": rows,
        "waiting": dashboard.waiting_selection(programme),
        "open_milestones": dashboard.open_milestone_dates(programme),
    }


def _money_list(money: ProjectMoney) -> list[int]:
    return [getattr(money, name) for name in FIGURES]


def money_of(values: list[int]) -> ProjectMoney:
    return ProjectMoney(**dict(zip(FIGURES, values, strict=True)))


# --- Reading --------------------------------------------------------------------------


def figures_for(programme) -> dict:
    """The programme's figures: as kept, when every change is in them; computed from the
    tables otherwise (the summary is then not written: a page that reads does not
    write). One query when kept."""
    kept = (
        ProgrammeSummary.objects.filter(programme=programme)
        .exclude(Exists(ProgrammeChange.objects.filter(programme=OuterRef("programme"))))
        .values_list("figures", flat=True)
        .first()
    )
    if kept is not None and kept.get("format") == FORMAT:
        return kept
    return compute(programme)


# --- Keeping --------------------------------------------------------------------------


def refresh(programme_ids) -> None:
    """Compute the programmes' summaries again, each in a transaction of its own under
    the lock of its row, and remove the changes seen before computing. A failure is
    logged and leaves the changes: the pages then compute the figures themselves."""
    for pk in sorted(set(programme_ids)):
        try:
            with transaction.atomic():
                programme = Programme.objects.filter(pk=pk).first()
                if programme is None:  # deleted
                    ProgrammeChange.objects.filter(programme_id=pk).delete()
                    continue
                summary, _created = ProgrammeSummary.objects.select_for_update().get_or_create(
                    programme=programme
                )
                seen = list(
                    ProgrammeChange.objects.filter(programme=programme).values_list("pk", flat=True)
                )
                figures = compute(programme)
                if figures != summary.figures:
                    summary.figures = figures
                    summary.updated_at = timezone.now()
                    summary.save()
                ProgrammeChange.objects.filter(pk__in=seen).delete()
        except DatabaseError:
            logger.exception("The summary of programme %s was not computed", pk)


def refresh_all() -> None:
    refresh(Programme.objects.values_list("pk", flat=True))


def mark_changed(programme_ids) -> None:
    """Note a change of the programmes' figures in the current transaction, and compute
    them again when it commits (right away outside a transaction)."""
    ids = sorted({pk for pk in programme_ids if pk is not None})
    if not ids:
        return
    ProgrammeChange.objects.bulk_create([ProgrammeChange(programme_id=pk) for pk in ids])
    connection = transaction.get_connection()
    pending = connection.__dict__.setdefault("ilag_summaries_pending", set())
    pending.update(ids)
    transaction.on_commit(_refresh_pending, robust=True)


def mark_every_programme_changed() -> None:
    mark_changed(Programme.objects.values_list("pk", flat=True))


def _refresh_pending() -> None:
    pending = transaction.get_connection().__dict__.get("ilag_summaries_pending")
    if pending:
        ids = set(pending)
        pending.clear()
        refresh(ids)


def programme_ids(model, pks) -> list[int]:
    """The programmes of `model`'s rows `pks`, by the paths in FEEDS."""
    paths = FEEDS[model._meta.label]
    if paths == "pk":
        return list(pks)
    found = set()
    for path in (paths,) if isinstance(paths, str) else paths:
        found.update(
            model._default_manager.filter(pk__in=list(pks), **{f"{path}__isnull": False})
            .values_list(path, flat=True)
            .distinct()
        )
    return sorted(found)


def _changed(sender, instance, **kwargs):
    label = sender._meta.label
    if label in FEEDS_EVERY_PROGRAMME:
        mark_every_programme_changed()
    elif label in FEEDS:
        if kwargs.get("raw"):
            # Loaded from a fixture: its related rows may not be there yet.
            mark_every_programme_changed()
        elif instance.pk is not None:
            mark_changed(programme_ids(sender, [instance.pk]))


def _project_moving(sender, instance, **kwargs):
    """A project moved to another agreement leaves its old programme's figures too."""
    if instance.pk is not None and not kwargs.get("raw"):
        mark_changed(programme_ids(Project, [instance.pk]))


def _relinked(sender, instance, action, model, pk_set, **kwargs):
    """A project's or an agreement's municipalities changed (from either side)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    for through, owner in (
        (Project.municipalities.through, Project),
        (Agreement.municipalities.through, Agreement),
    ):
        if sender is not through:
            continue
        if isinstance(instance, owner):
            mark_changed(programme_ids(owner, [instance.pk]))
        elif pk_set:
            mark_changed(programme_ids(owner, pk_set))
        else:
            mark_every_programme_changed()


def connect() -> None:
    """Connect the receivers (PortalConfig.ready)."""
    for label in [*FEEDS, *FEEDS_EVERY_PROGRAMME]:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"summary-save-{label}")
        pre_delete.connect(_changed, sender=model, dispatch_uid=f"summary-delete-{label}")
    pre_save.connect(_project_moving, sender=Project, dispatch_uid="summary-project-moving")
    for through in (Project.municipalities.through, Agreement.municipalities.through):
        m2m_changed.connect(_relinked, sender=through, dispatch_uid=f"summary-{through}")
