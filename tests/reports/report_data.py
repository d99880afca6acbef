"""Approved status reports for the demo projects, so the PDF reports have lights, costs
and indicator values to show (seed_demo makes none)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from projects.models import IndicatorValue, ProgressReport, Project, ReportCost

LIGHTS = ["green", "yellow", "red"]
REASONS = {
    "green": "Framdriften følger planen, og arbeidsgruppene møtes som avtalt.",
    "yellow": "Rekrutteringen av prosjektleder tok tre måneder lenger enn planlagt; "
    "tiltakene er forskjøvet, men kan tas igjen i neste periode.",
    "red": "Kommunen har ikke fått på plass finansieringen av egenandelen, og arbeidet "
    "står stille til kommunestyret har behandlet saken.",
}

# The light of each municipality's first project: every light occurs, worst per municipality.
MUNICIPALITY_LIGHTS = {
    "5041": "green",
    "5022": "yellow",
    "5034": "red",
    "5046": "green",
    "5033": "yellow",
    "5052": None,  # Leka: no approved report yet
}


def add_approved_reports(programme_slug="i-lag", *, reviewer=None, achieved=None) -> dict:
    """One approved status report per project of the programme (none for Leka), with costs
    incurred per budgeted category and a value for each indicator, in place of any reports
    the demo data has, so that the lights are known. Returns {project: report}."""
    today = timezone.localdate()
    ProgressReport.objects.filter(project__agreement__programme__slug=programme_slug).delete()
    reports = {}
    projects = (
        Project.objects.filter(agreement__programme__slug=programme_slug)
        .prefetch_related("municipalities", "budget_lines__category", "indicators")
        .select_related("agreement")
        .order_by("agreement__start_date", "number")
    )
    for index, project in enumerate(projects):
        light = MUNICIPALITY_LIGHTS.get(_lead_number(project), "green")
        if light is None:
            continue
        if project.number and project.number > 1:
            light = "green" if light != "red" else "yellow"
        rng = random.Random(f"{project.pk}/{project.title}")
        end = min(today, project.end_date) - datetime.timedelta(days=1)
        end = max(end, project.start_date)
        report = ProgressReport.objects.create(
            project=project,
            period_start=project.start_date,
            period_end=end,
            status=ProgressReport.Status.APPROVED,
            traffic_light=light,
            traffic_light_reason=REASONS[light],
            percent_complete=min(100, 30 + 10 * (index % 7)),
            achieved=achieved
            or (
                "Prosjektgruppen er etablert, og det er holdt to samlinger med "
                "innbyggere og næringsliv. Kartleggingen er ferdig og lagt fram for "
                "formannskapet."
            ),
            next_steps="Utarbeide tiltaksplan og søke om midler fra Innovasjon Norge.",
            risks="Knapp kapasitet i administrasjonen.",
            lesson_learned="Tidlig involvering av laget rundt sparte tid.",
            submitted_at=timezone.now(),
            reviewed_at=timezone.now(),
            reviewed_by=reviewer,
        )
        budget = {}
        for line in project.budget_lines.all():
            budget[line.category] = budget.get(line.category, 0) + line.amount
        for category, amount in budget.items():
            factor = Decimal(rng.randrange(25, 95)) / 100
            if light == "red" and category.position == 0:
                factor = Decimal("1.12")  # over budget
            ReportCost.objects.create(
                report=report, category=category, amount=int(amount * factor) // 1000 * 1000
            )
        for indicator in project.indicators.all():
            span = indicator.target - indicator.baseline
            IndicatorValue.objects.create(
                report=report,
                indicator=indicator,
                value=(indicator.baseline + span * Decimal(rng.randrange(10, 80)) / 100).quantize(
                    Decimal("1")
                ),
            )
        reports[project] = report
    return reports


def _lead_number(project) -> str | None:
    """The municipality whose agreement the project belongs to."""
    first = project.agreement.municipalities.order_by("number").first()
    return first.number if first else None
