from projects.models.changes import ChangeRequest
from projects.models.core import (
    BudgetLine,
    FundingLine,
    Indicator,
    Project,
    ProjectQuerySet,
    ProjectShare,
    agreements_with_totals,
    financing_errors,
)
from projects.models.reports import IndicatorValue, ProgressReport, ReportCost

__all__ = [
    "ChangeRequest",
    "BudgetLine",
    "FundingLine",
    "Indicator",
    "IndicatorValue",
    "ProgressReport",
    "Project",
    "ProjectQuerySet",
    "ProjectShare",
    "agreements_with_totals",
    "ReportCost",
    "financing_errors",
]
