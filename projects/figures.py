"""A project's figures as its pages and reports show them: the budget as a category ×
year table, budget against costs incurred, indicators against their targets."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from projects.models import IndicatorValue, ProgressReport


def traffic_light_label(value) -> str:
    return str(ProgressReport.TrafficLight(value).label) if value else ""


def spending_by_category(budget_lines, costs):
    """Budget against costs incurred, per category: `costs` are the latest approved
    report's (none without one), loaded with their categories as the budget lines are."""
    incurred_by_category = {c.category_id: c.amount for c in costs}
    categories = {}
    for line in budget_lines:
        categories.setdefault(line.category, 0)
        categories[line.category] += line.amount
    for cost in costs:
        categories.setdefault(cost.category, 0)
    rows = []
    for category, budget in sorted(categories.items(), key=lambda kv: (kv[0].position, kv[0].name)):
        incurred = incurred_by_category.get(category.pk, 0)
        rows.append(
            {
                "category": category,
                "budget": budget,
                "incurred": incurred,
                "remaining": budget - incurred,
                "used_percent": (Decimal(incurred * 100) / budget) if budget else None,
            }
        )
    total_budget = sum(r["budget"] for r in rows)
    total_incurred = sum(r["incurred"] for r in rows)
    return {
        "rows": rows,
        "budget": total_budget,
        "incurred": total_incurred,
        "remaining": total_budget - total_incurred,
        "used_percent": (Decimal(total_incurred * 100) / total_budget) if total_budget else None,
    }


def with_latest_values(indicators):
    """Indicators annotated with their value and comment in their project's latest
    approved status report (and that report's id), so that indicator_progress needs no
    query of its own for that report."""
    latest = (
        ProgressReport.objects.filter(
            project=OuterRef("project_id"), status=ProgressReport.Status.APPROVED
        )
        .order_by("-period_end", "-pk")  # ProgressReport's own ordering: the latest first
        .values("pk")[:1]
    )
    value = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), report=OuterRef("latest_report_id")
    )
    return indicators.annotate(latest_report_id=Subquery(latest)).annotate(
        latest_value=Subquery(value.values("value")[:1]),
        latest_comment=Subquery(value.values("comment")[:1]),
        latest_value_id=Subquery(value.values("pk")[:1]),
    )


def indicator_progress(project, report):
    """Each indicator with baseline, the value in `report` (the latest approved) and
    target. Indicators read `with_latest_values` for that report take their values from
    there."""
    indicators = list(project.indicators.all())
    if report is None or not indicators:
        values = {}
    elif indicators and all(getattr(i, "latest_report_id", None) == report.pk for i in indicators):
        values = {
            i.pk: IndicatorValue(
                pk=i.latest_value_id,
                report=report,
                indicator=i,
                value=i.latest_value,
                comment=i.latest_comment,
            )
            for i in indicators
            if i.latest_value_id is not None
        }
    else:
        values = {v.indicator_id: v for v in report.indicator_values.all()}
    rows = []
    for indicator in indicators:
        current = values.get(indicator.pk)
        progress = None
        if current is not None and indicator.target != indicator.baseline:
            progress = (
                (current.value - indicator.baseline) * 100 / (indicator.target - indicator.baseline)
            )
        rows.append({"indicator": indicator, "current": current, "progress": progress})
    return rows


def budget_grid(lines):
    """Budget lines as a category × year table with row, column and grand totals."""
    years = sorted({line.year for line in lines})
    categories = []
    cells = defaultdict(dict)
    for line in sorted(lines, key=lambda li: (li.category.position, li.category.name)):
        if line.category not in categories:
            categories.append(line.category)
        cells[line.category.pk][line.year] = line.amount
    rows = [
        {
            "category": category,
            "amounts": [cells[category.pk].get(year) for year in years],
            "total": sum(cells[category.pk].values()),
        }
        for category in categories
    ]
    year_totals = [sum(cells[c.pk].get(year, 0) for c in categories) for year in years]
    return {"years": years, "rows": rows, "year_totals": year_totals, "total": sum(year_totals)}
