"""Writes that span several project rows."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ilag import review
from ilag.review import locked
from projects.models import (
    BudgetLine,
    FundingLine,
    IndicatorValue,
    ProgressReport,
    Project,
    ReportCost,
    financing_errors,
)


@dataclass(frozen=True)
class BudgetEntry:
    year: int
    category_id: int
    amount: int
    note: str = ""


@dataclass(frozen=True)
class FundingEntry:
    amount: int
    kind: str = FundingLine.Kind.CASH
    source_id: int | None = None
    source_municipality_id: int | None = None
    note: str = ""


@transaction.atomic
def project_financing_set(
    *, project: Project, budget: list[BudgetEntry], funding: list[FundingEntry]
) -> None:
    """Replace a project's budget and funding plan, all or nothing, under the programme's rules.

    Raises ValidationError keyed by "budget", "funding" or "county_share"; on error nothing
    stored changes.
    """
    programme = project.agreement.programme
    budget_lines = [
        BudgetLine(
            project=project, year=e.year, category_id=e.category_id, amount=e.amount, note=e.note
        )
        for e in budget
    ]
    funding_lines = [
        FundingLine(
            project=project,
            source_id=e.source_id,
            source_municipality_id=e.source_municipality_id,
            kind=e.kind,
            amount=e.amount,
            note=e.note,
        )
        for e in funding
    ]
    errors: dict[str, list] = {}
    for key, lines in (("budget", budget_lines), ("funding", funding_lines)):
        for line in lines:
            try:
                line.full_clean(exclude=["project"], validate_unique=False)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    seen = set()
    for line in budget_lines:
        if (line.year, line.category_id) in seen:
            errors.setdefault("budget", []).append(
                BudgetLine._meta.constraints[1].violation_error_message
            )
        seen.add((line.year, line.category_id))
    if not errors:
        problems = financing_errors(
            programme=programme,
            budget_total=sum(line.amount for line in budget_lines),
            funding_total=sum(line.amount for line in funding_lines),
            county_total=sum(
                line.amount for line in funding_lines if line.source_id == programme.owner_id
            ),
        )
        for key, message in problems.items():
            errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    # Row by row, never in bulk, so that every line's history is recorded; unchanged
    # lines are left alone so the history shows exactly what changed.
    _replace_lines(
        project.budget_lines.all(),
        budget_lines,
        key=lambda li: (li.year, li.category_id),
        fields=("amount", "note"),
    )
    _replace_lines(
        project.funding_lines.all(),
        funding_lines,
        key=lambda li: (li.source_id, li.source_municipality_id, li.kind),
        fields=("amount", "note"),
    )


def _replace_lines(existing, wanted, *, key, fields):
    current = {}
    for line in existing:
        if key(line) in current:  # a duplicate key (funding may repeat a source): replace
            line.delete()
            continue
        current[key(line)] = line
    seen = set()
    for line in wanted:
        k = key(line)
        old = current.get(k)
        if old is not None and k not in seen:
            seen.add(k)
            if any(getattr(old, f) != getattr(line, f) for f in fields):
                for f in fields:
                    setattr(old, f, getattr(line, f))
                old.save()
        else:
            seen.add(k)
            line.save()
    for k, line in current.items():
        if k not in seen:
            line.delete()


# No lost updates --------------------------------------------------------------------


PROJECT_STATUS_TRANSITIONS = {
    Project.Status.DRAFT: {Project.Status.ACTIVE, Project.Status.CANCELLED},
    Project.Status.ACTIVE: {Project.Status.COMPLETED, Project.Status.CANCELLED},
    Project.Status.COMPLETED: {Project.Status.ACTIVE},
    Project.Status.CANCELLED: {Project.Status.DRAFT},
}

PROJECT_EDITABLE_FIELDS = (
    "title",
    "description",
    "goals",
    "focus_area",
    "leader",
    "start_date",
    "end_date",
    "status",
)


@transaction.atomic
def project_update(*, project: Project, version: int, data: dict) -> Project:
    """Change a project's facts if nobody saved it since `version` was read."""
    row = locked(Project, pk=project.pk, version=version)
    new_status = data.get("status", row.status)
    if new_status != row.status and new_status not in PROJECT_STATUS_TRANSITIONS[row.status]:
        raise ValidationError(
            {
                "status": _("The status cannot change from «%(old)s» to «%(new)s».")
                % {
                    "old": row.get_status_display(),
                    "new": Project.Status(new_status).label,
                }
            }
        )
    for field in PROJECT_EDITABLE_FIELDS:
        if field in data:
            setattr(row, field, data[field])
    row.full_clean(exclude=["agreement"])
    row.version += 1
    row.save()
    return row


@transaction.atomic
def project_financing_save(
    *, project: Project, version: int, budget: list[BudgetEntry], funding: list[FundingEntry]
) -> Project:
    """Replace budget and funding plan under the programme's rules, refusing a stale form."""
    row = locked(Project, pk=project.pk, version=version)
    project_financing_set(project=row, budget=budget, funding=funding)
    row.version += 1
    row.save(update_fields=["version"])
    return row


# Status reports ---------------------------------------------------------------------


@transaction.atomic
def report_create(*, project: Project, user, period_start, period_end) -> ProgressReport:
    """A new draft status report; costs start from the latest approved report's figures."""
    report = ProgressReport(
        project=project, period_start=period_start, period_end=period_end, created_by=user
    )
    report.full_clean()
    report.save()
    latest = project.progress_reports.approved().first()
    if latest is not None:
        for cost in latest.costs.all():
            ReportCost.objects.create(report=report, category=cost.category, amount=cost.amount)
    return report


REPORT_FIELDS = (
    "period_start",
    "period_end",
    "traffic_light",
    "traffic_light_reason",
    "percent_complete",
    "achieved",
    "next_steps",
    "risks",
    "lesson_learned",
)


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    version: int,
    data: dict,
    costs: dict[int, int | None],
    indicator_values: dict[int, tuple],
) -> ProgressReport:
    """Save a draft or returned report: its fields, costs per category and indicator
    values. Only rows that changed are written, so the history shows what changed."""

    row = review.save_draft(
        ProgressReport, pk=report.pk, version=version, fields=REPORT_FIELDS, data=data
    )
    review.sync_children(
        row.costs.all(),
        {category: None if amount is None else (amount,) for category, amount in costs.items()},
        key="category_id",
        fields=("amount",),
        create=lambda category, values: ReportCost.objects.create(
            report=row, category_id=category, amount=values[0]
        ),
    )
    indicator_entries_sync(
        report=row, rows=row.indicator_values.all(), entries=indicator_values, model=IndicatorValue
    )
    return row


def indicator_entries_sync(*, report, rows, entries: dict[int, tuple], model) -> None:
    """A report's (value, comment) per project indicator, as entered: a status report's
    values or a milestone report's results (`model`); a value left empty removes it."""
    review.sync_children(
        rows,
        {indicator: None if entry[0] is None else entry for indicator, entry in entries.items()},
        key="indicator_id",
        fields=("value", "comment"),
        create=lambda indicator, values: model.objects.create(
            report=report, indicator_id=indicator, value=values[0], comment=values[1]
        ),
    )


def report_submission_errors(report: ProgressReport) -> dict[str, str]:
    """What a report needs before it can be submitted, as {field: bokmål message}."""
    errors = {}
    if not report.traffic_light:
        errors["traffic_light"] = _("Choose a status light before you submit.")
    elif report.traffic_light != ProgressReport.TrafficLight.GREEN and not (
        report.traffic_light_reason.strip()
    ):
        errors["traffic_light_reason"] = _("Explain why the status is yellow or red.")
    if report.percent_complete is None:
        errors["percent_complete"] = _("Give how far the project has come, in percent.")
    if not report.achieved.strip():
        errors["achieved"] = _("Describe what was achieved in the period.")
    return errors


@transaction.atomic
def report_submit(*, report: ProgressReport, version: int, user) -> ProgressReport:
    """Draft or returned → submitted; locked for the leader from now on."""
    return review.submit(
        ProgressReport, pk=report.pk, user=user, version=version, errors=report_submission_errors
    )


@transaction.atomic
def report_review(*, report: ProgressReport, user, approve: bool, comment: str) -> ProgressReport:
    """Submitted → approved, or → returned with a comment the leader sees."""
    return review.review(ProgressReport, pk=report.pk, user=user, approve=approve, comment=comment)
