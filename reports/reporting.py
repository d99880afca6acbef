"""What goes into the PDF status reports, gathered with a fixed number of queries
whatever the number of projects, and the HTML made of it (templates/reports/pdf/).

A report is scoped as the user it is made for may see the data (the `visible_to`
querysets); the command line makes it with everything (`all_data_user`). Whoever it is
made for, a report is a document that may go to a political committee, so it holds
only what is published: no draft agreements or projects, only approved status reports,
and a change history as a committee reader would see it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from agreements.models import Agreement, CostCategory, Programme
from evaluations.models import Milestone
from evaluations.timeline import programme_timeline
from municipalities.models import Municipality
from payouts.figures import money_by_municipality, money_total
from payouts.models import Payout, Settlement
from payouts.services import project_money
from projects.figures import budget_grid, indicator_progress
from projects.models import BudgetLine, FundingLine, ProgressReport, Project, ReportCost
from projects.shares import allocate, municipality_part, share_of, shares_for
from reports import charts as report_charts
from reports.history import changes_for_project
from reports.models import ReportOrder
from reports.pdf import RenderedPdf, render_pdf_document, static_prefix

# The author in the PDF's metadata: the county runs the portal whatever the programme.
AUTHOR = "Trøndelag fylkeskommune"
HISTORY_ENTRIES = 15
# Beyond this many rows (agreements) the timeline is unreadable on a page: text only.
TIMELINE_MAX_ROWS = 16
# Worst first: a municipality shows the worst light among its projects.
LIGHT_RANK = {"red": 3, "yellow": 2, "green": 1}
TEMPLATES = {
    ReportOrder.Kind.PROJECT: "reports/pdf/project.html",
    ReportOrder.Kind.MUNICIPALITY: "reports/pdf/municipality.html",
    ReportOrder.Kind.PROGRAMME: "reports/pdf/programme.html",
    ReportOrder.Kind.PAYMENT_ORDER: "reports/pdf/payment_order.html",
}


# In the PDF itself the kind is named without «(PDF)», which the portal's lists need.
PDF_KIND_LABELS = {
    ReportOrder.Kind.PROJECT: gettext_lazy("Project report"),
    ReportOrder.Kind.MUNICIPALITY: gettext_lazy("Municipality report"),
    ReportOrder.Kind.PROGRAMME: ReportOrder.Kind.PROGRAMME.label,
    ReportOrder.Kind.PAYMENT_ORDER: ReportOrder.Kind.PAYMENT_ORDER.label,
}


class ReportNotAvailable(Exception):
    """The subject is gone, is a draft, or is not visible to the user (message in bokmål)."""


# Whose eyes -------------------------------------------------------------------------


def all_data_user() -> User:
    """An unsaved superuser-equivalent: the command line's view, all data."""
    user = User(username="status_report", is_superuser=True, is_active=True)
    user._role_names = set()
    return user


def published_reader() -> User:
    """An unsaved committee reader: what anyone who may open a finished report may see."""
    user = User(username="committee", is_active=True)
    user._role_names = {Role.COMMITTEE_READER.value}
    user._leader_municipality_ids = []
    return user


def _published_projects(user):
    return (
        Project.objects.visible_to(user)
        .exclude(status__in=Project.PROPOSAL_STATES)
        .exclude(agreement__status=Agreement.Status.DRAFT)
    )


def _published_agreements(user):
    return Agreement.objects.visible_to(user).exclude(status=Agreement.Status.DRAFT)


# Figures ------------------------------------------------------------------------------


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, or None when there is no whole."""
    return Decimal(part * 100) / whole if whole else None


def worst_light(lights) -> str:
    lights = [light for light in lights if light]
    return max(lights, key=LIGHT_RANK.get) if lights else ""


def light_label(light: str) -> str:
    if not light:
        return _("No approved status report")
    return str(ProgressReport.TrafficLight(light).label)


def spending(budget: dict, incurred: dict) -> dict:
    """Budget against costs incurred per cost category ({category: kroner} each)."""
    categories = sorted(set(budget) | set(incurred), key=lambda c: (c.position, c.name))
    rows = [
        {
            "category": category,
            "name": category.name,
            "budget": budget.get(category, 0),
            "incurred": incurred.get(category, 0),
        }
        for category in categories
    ]
    for row in rows:
        row["remaining"] = row["budget"] - row["incurred"]
        row["used_percent"] = share(row["incurred"], row["budget"])
    total_budget = sum(r["budget"] for r in rows)
    total_incurred = sum(r["incurred"] for r in rows)
    return {
        "rows": rows,
        "budget": total_budget,
        "incurred": total_incurred,
        "remaining": total_budget - total_incurred,
        "used_percent": share(total_incurred, total_budget),
    }


@dataclass
class ProjectLine:
    """A project with its totals and its latest approved status report."""

    project: Project
    report: ProgressReport | None
    budget: int
    grant: int
    incurred: int
    # Filled for the reports that show each project in detail.
    spending: dict | None = None
    spending_chart: str = ""
    indicators: list = field(default_factory=list)
    indicator_chart: str = ""
    budget_grid: dict | None = None
    # In a municipality's report, a joint project counts with the municipality's share.
    share_percent: Decimal | None = None
    full_budget: int | None = None

    @property
    def light(self) -> str:
        return self.report.traffic_light if self.report else ""

    @property
    def light_label(self) -> str:
        return light_label(self.light)

    @property
    def light_shape(self):
        return report_charts.light_shape(self.light)

    @property
    def used_percent(self) -> Decimal | None:
        return share(self.incurred, self.budget)

    @property
    def municipality_names(self) -> str:
        return ", ".join(m.name for m in self.project.municipalities.all())


def _latest_approved_report_id():
    return Subquery(
        ProgressReport.objects.approved()
        .filter(project=OuterRef("pk"))
        .order_by("-period_end", "-pk")
        .values("pk")[:1]
    )


def project_lines(projects, *, detail: bool = False) -> list[ProjectLine]:
    """The projects with totals and latest approved report: four queries (nine with
    `detail`, which adds budget lines, costs, indicators and funding per project)."""
    projects = projects.with_totals().annotate(latest_report_id=_latest_approved_report_id())
    projects = projects.select_related(
        "agreement__programme__owner", "focus_area", "leader"
    ).prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
    )
    if detail:
        projects = projects.prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category")),
            Prefetch(
                "funding_lines",
                queryset=FundingLine.objects.select_related("source", "source_municipality"),
            ),
            "indicators",
        )
    projects = list(projects.order_by("agreement__start_date", "agreement_id", "number", "title"))
    report_ids = [p.latest_report_id for p in projects if p.latest_report_id]
    reports = ProgressReport.objects.filter(pk__in=report_ids).select_related("reviewed_by")
    if detail:
        reports = reports.prefetch_related(
            Prefetch("costs", queryset=ReportCost.objects.select_related("category")),
            "indicator_values",
        )
    reports = {r.pk: r for r in reports}
    incurred = dict(
        ReportCost.objects.filter(report_id__in=report_ids)
        .order_by()
        .values("report")
        .annotate(total=Sum("amount"))
        .values_list("report", "total")
    )
    lines = []
    for project in projects:
        report = reports.get(project.latest_report_id)
        line = ProjectLine(
            project=project,
            report=report,
            budget=project.budget_sum,
            grant=project.county_sum,
            incurred=incurred.get(project.latest_report_id, 0),
        )
        if detail:
            _add_detail(line)
        lines.append(line)
    return lines


def take_share(line: ProjectLine, shares, municipality_id) -> None:
    """Make a joint project's line count only the municipality's share: budget, grant
    and costs, and the categories under them (which still sum to the line's figures)."""
    line.share_percent = share_of(shares, municipality_id)
    if line.share_percent is None or line.share_percent == 100:
        return
    line.full_budget = line.budget
    line.budget = municipality_part(line.budget, shares, municipality_id)
    line.grant = municipality_part(line.grant, shares, municipality_id)
    line.incurred = municipality_part(line.incurred, shares, municipality_id)
    if line.spending is not None:
        rows = line.spending["rows"]
        budgets = allocate(line.budget, [(i, row["budget"]) for i, row in enumerate(rows)])
        incurred = allocate(line.incurred, [(i, row["incurred"]) for i, row in enumerate(rows)])
        line.spending = spending(
            {row["category"]: budgets[i] for i, row in enumerate(rows)},
            {row["category"]: incurred[i] for i, row in enumerate(rows)},
        )
        line.spending_chart = report_charts.budget_chart(
            line.spending["rows"],
            title=_("Budget and costs incurred by cost category: %(project)s")
            % {"project": line.project},
        )


def _add_detail(line: ProjectLine) -> None:
    project, report = line.project, line.report
    budget = defaultdict(int)
    for budget_line in project.budget_lines.all():
        budget[budget_line.category] += budget_line.amount
    incurred = {cost.category: cost.amount for cost in report.costs.all()} if report else {}
    line.spending = spending(budget, incurred)
    line.spending_chart = report_charts.budget_chart(
        line.spending["rows"],
        title=_("Budget and costs incurred by cost category: %(project)s") % {"project": project},
    )
    line.budget_grid = budget_grid(list(project.budget_lines.all()))
    line.indicators = indicator_progress(project, report)
    line.indicator_chart = report_charts.indicator_chart(
        [
            {
                "name": row["indicator"].label,
                "unit": row["indicator"].unit,
                "baseline": row["indicator"].baseline,
                "target": row["indicator"].target,
                "current": row["current"].value if row["current"] else None,
                "progress": row["progress"],
            }
            for row in line.indicators
        ],
        title=_("Progress towards the target figures: %(project)s") % {"project": project},
    )


def totals(lines: list[ProjectLine]) -> dict:
    budget = sum(line.budget for line in lines)
    incurred = sum(line.incurred for line in lines)
    grant = sum(line.grant for line in lines)
    reported = sum(1 for line in lines if line.report)
    return {
        "budget": budget,
        "grant": grant,
        "grant_percent": share(grant, budget),
        "incurred": incurred,
        # Without any approved report the use of the budget is unknown, not 0 %.
        "used_percent": share(incurred, budget) if reported else None,
        "projects": len(lines),
        "reported": reported,
    }


def light_counts(lights: list[str]) -> list[dict]:
    """How many of each light (and without a report), for a line such as «Grønn: 8»."""
    return [
        {
            "light": light,
            "label": light_label(light),
            "shape": report_charts.light_shape(light),
            "count": sum(1 for x in lights if x == light),
        }
        for light in ("green", "yellow", "red", "")
    ]


@dataclass
class AgreementSection:
    """One cooperation agreement (in I LAG: one municipality) in a programme report."""

    agreement: Agreement
    lines: list[ProjectLine]
    joint_elsewhere: list[ProjectLine]
    milestones: list[Milestone]
    spending: dict
    spending_chart: str
    today: datetime.date

    @property
    def municipality_names(self) -> str:
        names = [m.name for m in self.agreement.municipalities.all()]
        return ", ".join(names) or self.agreement.title

    @property
    def light(self) -> str:
        return worst_light(line.light for line in self.lines + self.joint_elsewhere)

    @property
    def light_label(self) -> str:
        return light_label(self.light)

    @property
    def light_shape(self):
        return report_charts.light_shape(self.light)

    @property
    def totals(self) -> dict:
        return totals(self.lines)

    @property
    def next_milestone(self) -> Milestone | None:
        return self.milestones[0] if self.milestones else None

    @property
    def next_milestone_overdue(self) -> bool:
        milestone = self.next_milestone
        return milestone is not None and milestone.due_date < self.today


def _open_milestones(user, *, programme=None, agreement_ids=(), project_ids=()):
    where = Q(agreement__in=list(agreement_ids)) | Q(project__in=list(project_ids))
    if programme is not None:
        where |= Q(programme=programme)
    return list(
        Milestone.objects.visible_to(user)
        .filter(where, status=Milestone.Status.PLANNED)
        .select_related("project", "responsible")
        .order_by("due_date", "kind", "pk")
    )


def _has_demo(*objects, lines=()) -> bool:
    return any(getattr(o, "is_demo", False) for o in objects) or any(
        line.project.is_demo or line.project.agreement.is_demo for line in lines
    )


# The three reports --------------------------------------------------------------------


def project_context(project_id: int, *, user, today: datetime.date) -> dict:
    lines = project_lines(_published_projects(user).filter(pk=project_id), detail=True)
    if not lines:
        raise ReportNotAvailable(
            _("The project does not exist, is a draft, or is not visible to you.")
        )
    line = lines[0]
    project = line.project
    programme = project.agreement.programme
    funding = list(project.funding_lines.all())
    funding_total = sum(f.amount for f in funding)
    for funding_line in funding:
        funding_line.share = share(funding_line.amount, funding_total)
    milestones = list(
        Milestone.objects.visible_to(user)
        .filter(Q(project=project) | Q(agreement=project.agreement_id))
        .select_related("project", "responsible")
        .order_by("due_date", "kind", "pk")
    )
    for milestone in milestones:
        milestone.state_label = milestone.display_state_label(today)
    return {
        "kind": ReportOrder.Kind.PROJECT,
        "title": _("Status report: %(project)s") % {"project": project},
        "programme": programme,
        "project": project,
        "line": line,
        "funding": funding,
        "funding_total": funding_total,
        "county_share": share(line.grant, line.budget),
        "milestones": milestones,
        "history": changes_for_project(project, HISTORY_ENTRIES, user=published_reader()),
        "has_demo": _has_demo(programme, project.agreement, lines=lines),
    }


def municipality_context(municipality, programme, *, user, today: datetime.date) -> dict:
    agreements = list(
        _published_agreements(user)
        .filter(programme=programme, municipalities=municipality)
        .prefetch_related("municipalities", "other_parties")
        .order_by("start_date", "title")
    )
    projects = _published_projects(user).filter(
        agreement__programme=programme,
        pk__in=Project.objects.filter(municipalities=municipality).values("pk"),
    )
    lines = project_lines(projects, detail=True)
    if not agreements and not lines:
        raise ReportNotAvailable(
            _("%(municipality)s has no published agreement or project in %(programme)s.")
            % {"municipality": municipality, "programme": programme}
        )
    shares = shares_for([line.project.pk for line in lines])
    for line in lines:
        take_share(line, shares[line.project.pk], municipality.pk)
    agreement_ids = {a.pk for a in agreements}
    milestones = _open_milestones(
        user, agreement_ids=agreement_ids, project_ids=[line.project.pk for line in lines]
    )
    for milestone in milestones:
        milestone.state_label = milestone.display_state_label(today)
    budget, incurred = defaultdict(int), defaultdict(int)
    for line in lines:
        for row in line.spending["rows"]:
            budget[row["category"]] += row["budget"]
            incurred[row["category"]] += row["incurred"]
    combined = spending(budget, incurred)
    return {
        "kind": ReportOrder.Kind.MUNICIPALITY,
        "title": _("Municipality report: %(municipality)s, %(programme)s")
        % {"municipality": municipality, "programme": programme},
        "programme": programme,
        "municipality": municipality,
        "agreements": agreements,
        "frame": sum(a.county_frame for a in agreements),
        "frame_shared": any(len(a.municipalities.all()) > 1 for a in agreements),
        "lines": lines,
        "own_agreement_ids": agreement_ids,
        "totals": totals(lines),
        "light": worst_light(line.light for line in lines),
        "spending": combined,
        "spending_chart": report_charts.budget_chart(
            combined["rows"],
            title=_("Budget and costs incurred by cost category: %(municipality)s")
            % {"municipality": municipality},
        ),
        "milestones": milestones,
        "money": money_by_municipality(projects, municipality_ids=[municipality.pk])[
            municipality.pk
        ],
        "has_demo": _has_demo(programme, *agreements, lines=lines),
    }


def programme_context(programme, *, user, today: datetime.date) -> dict:
    agreements = list(
        _published_agreements(user)
        .filter(programme=programme)
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
        )
        .order_by("start_date", "title", "pk")
    )
    projects = _published_projects(user).filter(agreement__programme=programme)
    lines = project_lines(projects)
    by_agreement = defaultdict(list)
    for line in lines:
        by_agreement[line.project.agreement_id].append(line)
    # Budget and costs per agreement and category: two grouped queries.
    categories = {c.pk: c for c in CostCategory.objects.filter(programme=programme)}
    budget = defaultdict(lambda: defaultdict(int))
    for agreement_id, category_id, amount in (
        BudgetLine.objects.filter(project__in=[line.project.pk for line in lines])
        .order_by()
        .values("project__agreement", "category")
        .annotate(total=Sum("amount"))
        .values_list("project__agreement", "category", "total")
    ):
        budget[agreement_id][categories[category_id]] += amount
    incurred = defaultdict(lambda: defaultdict(int))
    report_ids = [line.report.pk for line in lines if line.report]
    for agreement_id, category_id, amount in (
        ReportCost.objects.filter(report__in=report_ids)
        .order_by()
        .values("report__project__agreement", "category")
        .annotate(total=Sum("amount"))
        .values_list("report__project__agreement", "category", "total")
    ):
        incurred[agreement_id][categories[category_id]] += amount
    milestones = _open_milestones(
        user,
        programme=programme,
        agreement_ids=[a.pk for a in agreements],
        project_ids=[line.project.pk for line in lines],
    )
    agreement_milestones = defaultdict(list)
    programme_milestones = []
    for milestone in milestones:
        milestone.state_label = milestone.display_state_label(today)
        if milestone.programme_id:
            programme_milestones.append(milestone)
        else:
            agreement_id = milestone.agreement_id or milestone.project.agreement_id
            agreement_milestones[agreement_id].append(milestone)
    # A joint project counts under the agreement it belongs to, and is named in the
    # sections of the other municipalities taking part.
    municipality_agreements = defaultdict(set)
    for agreement in agreements:
        for municipality in agreement.municipalities.all():
            municipality_agreements[municipality.pk].add(agreement.pk)
    sections = []
    for agreement in agreements:
        members = {m.pk for m in agreement.municipalities.all()}
        joint = [
            line
            for line in lines
            if line.project.agreement_id != agreement.pk
            and members & {m.pk for m in line.project.municipalities.all()}
        ]
        section_spending = spending(budget[agreement.pk], incurred[agreement.pk])
        sections.append(
            AgreementSection(
                agreement=agreement,
                lines=by_agreement.get(agreement.pk, []),
                joint_elsewhere=joint,
                milestones=agreement_milestones.get(agreement.pk, []),
                spending=section_spending,
                spending_chart=report_charts.budget_chart(
                    section_spending["rows"],
                    title=_("Budget and costs incurred by cost category: %(municipalities)s")
                    % {"municipalities": ", ".join(m.name for m in agreement.municipalities.all())},
                ),
                today=today,
            )
        )
    # The timeline as a committee reader sees it: published agreements only.
    timeline = programme_timeline(programme, user=published_reader(), today=today)
    return {
        "kind": ReportOrder.Kind.PROGRAMME,
        "title": _("Report to the committee: %(programme)s") % {"programme": programme.name},
        "programme": programme,
        "sections": sections,
        "lines": lines,
        "totals": totals(lines),
        "frame": sum(a.county_frame for a in agreements),
        "light_counts": light_counts([line.light for line in lines]),
        "programme_milestones": programme_milestones,
        "timeline": timeline,
        "timeline_drawn": len(timeline.rows) <= TIMELINE_MAX_ROWS,
        **programme_money(projects),
        "has_demo": _has_demo(programme, *agreements, lines=lines),
    }


def programme_money(projects) -> dict:
    """The grants' money of the programme and of each municipality taking part (a joint
    project with each one's share), for the committee: the rows sum to the total."""
    by_municipality = money_by_municipality(projects)
    names = dict(
        Municipality.objects.filter(pk__in=list(by_municipality)).values_list("pk", "name")
    )
    rows = sorted(((names[pk], money) for pk, money in by_municipality.items()), key=lambda r: r[0])
    return {"money": money_total(projects), "money_rows": rows}


def payment_order_context(payout_id: int, *, user) -> dict:
    """Utbetalingsanvisning: the county's order to its finance department to pay one
    approved payout (or to claim one back): who pays whom (organisation numbers, the
    municipality's account number), how much, under which agreement and decision."""
    payout = (
        Payout.objects.visible_to(user)
        .select_related(
            "project__agreement__programme__owner",
            "project__lead_municipality",
            "request__tranche",
            "request__submitted_by",
            "request__reviewed_by",
            "ordered_by",
        )
        .filter(pk=payout_id)
        .first()
    )
    if payout is None:
        raise ReportNotAvailable(_("The payout is not visible to you."))
    project = payout.project
    agreement = project.agreement
    programme = agreement.programme
    payee = project.lead_municipality or project.municipalities.order_by("name").first()
    request = payout.request
    money = project_money(project)
    settlement = Settlement.objects.filter(project=project).first()
    return {
        "title": str(ReportOrder.Kind.PAYMENT_ORDER.label),
        "kind": ReportOrder.Kind.PAYMENT_ORDER,
        "programme": programme,
        "payout": payout,
        "project": project,
        "agreement": agreement,
        "payer": programme.owner,
        "payee": payee,
        "request": request,
        "costs": list(request.costs.select_related("category")),
        "money": money,
        "settlement": settlement if settlement and settlement.request_id == request.pk else None,
        "decision": {
            "organ": agreement.decision_organ or programme.decision_organ,
            "date": agreement.decision_date or programme.decision_date,
            "case_number": agreement.decision_case_number or programme.decision_case_number,
        },
        "has_demo": _has_demo(programme, agreement, project),
    }


# Rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSubject:
    kind: str
    programme: Programme
    municipality: Municipality | None = None
    project: Project | None = None
    payout: Payout | None = None

    @classmethod
    def of(cls, order: ReportOrder) -> "ReportSubject":
        return cls(order.kind, order.programme, order.municipality, order.project, order.payout)


def report_context(subject: ReportSubject, *, user, cutoff: datetime.datetime) -> dict:
    today = timezone.localdate(cutoff)
    programme = (
        Programme.objects.visible_to(user)
        .select_related("owner")
        .filter(pk=subject.programme.pk)
        .first()
    )
    if programme is None:
        raise ReportNotAvailable(_("The programme is not visible to you."))
    if subject.kind == ReportOrder.Kind.PROJECT:
        context = project_context(subject.project.pk, user=user, today=today)
    elif subject.kind == ReportOrder.Kind.PAYMENT_ORDER:
        context = payment_order_context(subject.payout.pk, user=user)
    elif subject.kind == ReportOrder.Kind.MUNICIPALITY:
        context = municipality_context(subject.municipality, programme, user=user, today=today)
    else:
        context = programme_context(programme, user=user, today=today)
    context.update(
        kind_label=PDF_KIND_LABELS[subject.kind],
        cutoff=timezone.localtime(cutoff),
        today=today,
        author=AUTHOR,
        portal_name=settings.PORTAL_NAME,
        # The unhashed name: the PDF engine reads it through the static finders.
        stylesheet=f"{static_prefix()}css/report.css",
    )
    return context


def report_html(subject: ReportSubject, *, user=None, cutoff: datetime.datetime, order=None) -> str:
    """The report's HTML in the language of the order (the one who ordered it), bokmål
    without an order; `user` None means all data (command line)."""
    language = order.language if order is not None and order.language else settings.LANGUAGE_CODE
    with translation.override(language):
        context = report_context(subject, user=user or all_data_user(), cutoff=cutoff)
        context["order"] = order
        return render_to_string(TEMPLATES[subject.kind], context)


def base_url() -> str:
    return f"{settings.PORTAL_BASE_URL}/"


def render_report(
    subject: ReportSubject, *, user=None, order=None
) -> tuple[RenderedPdf, datetime.datetime]:
    """The report as PDF and the moment its data were read."""
    cutoff = timezone.now()
    html = report_html(subject, user=user, cutoff=cutoff, order=order)
    return render_pdf_document(html, base_url=base_url()), cutoff


def report_filename(order: ReportOrder) -> str:
    """«rapport-til-utvalget-i-lag-2026-11-26.pdf», «kommunerapport-…», «prosjektrapport-…»
    (not «statusrapport»: that is the project leader's report), with the municipality or
    project when given."""
    when = timezone.localdate(order.data_cutoff or order.ordered_at)
    if order.kind == ReportOrder.Kind.PAYMENT_ORDER:
        return f"utbetalingsanvisning-{order.payout.reference.lower()}-{when.isoformat()}.pdf"
    name = {
        ReportOrder.Kind.PROGRAMME: "rapport-til-utvalget",
        ReportOrder.Kind.MUNICIPALITY: "kommunerapport",
        ReportOrder.Kind.PROJECT: "prosjektrapport",
    }[order.kind]
    parts = [name, order.programme.slug]
    if order.municipality_id:
        parts.append(order.municipality.number)
    if order.project_id:
        parts.append(f"prosjekt-{order.project_id}")
    return "-".join([*parts, when.isoformat()]) + ".pdf"
