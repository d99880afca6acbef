from projects.models.core import (
    BudgetLine,
    FundingLine,
    Indicator,
    Project,
    ProjectQuerySet,
    financing_errors,
)
from projects.models.documents import Document
from projects.models.reports import IndicatorValue, ProgressReport, ReportCost

__all__ = [
    "BudgetLine",
    "Document",
    "FundingLine",
    "Indicator",
    "IndicatorValue",
    "ProgressReport",
    "Project",
    "ProjectQuerySet",
    "ReportCost",
    "financing_errors",
]
