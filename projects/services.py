"""Writes that span several project rows."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import BudgetLine, FundingLine, Project, financing_errors


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
    # Row by row, not bulk, so that every line's history is recorded.
    for line in project.budget_lines.all():
        line.delete()
    for line in project.funding_lines.all():
        line.delete()
    for line in [*budget_lines, *funding_lines]:
        line.save()
