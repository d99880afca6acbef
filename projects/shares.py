"""Joint projects split among their municipalities.

A joint project (fellesprosjekt) names each participant's share; every per-municipality
figure counts only that share, so the municipality rows always sum to the programme's
total. Kroner are split by the largest-remainder method: each municipality gets the
whole kroner of its share, and the kroner left over go to the largest remainders (the
lead municipality first on a tie), so the parts always add up to the whole.

A project without recorded shares, or whose shares no longer match its municipalities
(say one was added in the admin), is split equally among them.
"""

import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db import connections
from django.db.models import F, OuterRef, Subquery, Sum

from ilag.formats import percent
from projects.models import (
    BudgetLine,
    FundingLine,
    ProgressReport,
    Project,
    ProjectShare,
    ReportCost,
)

HUNDRED = Decimal(100)


def allocate(amount: int, weights: list[tuple]) -> dict:
    """`amount` kroner split in proportion to `weights` ((key, weight) pairs, such as
    percents that sum to 100; the first key wins a tie): whole kroner that sum exactly
    to `amount`. Equal parts when every weight is zero.

    In integers: the weights (ints or Decimals) are scaled to whole numbers by their
    common denominator, so each part is a floor division and its remainder, exactly as
    with fractions but without making thousands of them for a page."""
    if not weights:
        return {}
    if len(weights) == 1:
        return {weights[0][0]: amount}
    if not isinstance(amount, int):
        return _allocate_fractions(amount, weights)
    ratios = [_ratio(weight) for _key, weight in weights]
    denominator = math.lcm(*(d for _n, d in ratios))
    scaled = [n * (denominator // d) for n, d in ratios]
    total = sum(scaled)
    if total == 0:
        scaled, total = [1] * len(scaled), len(scaled)
    parts, remainders = {}, []
    for position, ((key, _weight), weight) in enumerate(zip(weights, scaled, strict=True)):
        part, remainder = divmod(amount * weight, total)
        parts[key] = part
        remainders.append((-remainder, position, key))
    left = amount - sum(parts.values())
    for _remainder, _position, key in sorted(remainders)[:left]:
        parts[key] += 1
    return parts


def _ratio(weight) -> tuple[int, int]:
    if isinstance(weight, int):
        return weight, 1
    return Fraction(weight).as_integer_ratio()


def _allocate_fractions(amount, weights: list[tuple]) -> dict:
    total = sum((Fraction(weight) for _key, weight in weights), Fraction(0))
    if total == 0:
        weights = [(key, 1) for key, _weight in weights]
        total = Fraction(len(weights))
    raw = [(key, Fraction(amount) * Fraction(weight) / total) for key, weight in weights]
    parts = {key: math.floor(value) for key, value in raw}
    left = amount - sum(parts.values())
    by_remainder = sorted(
        enumerate(raw), key=lambda item: (-(item[1][1] - math.floor(item[1][1])), item[0])
    )
    for _position, (key, _value) in by_remainder[:left]:
        parts[key] += 1
    return parts


def equal_shares(municipality_ids: list[int]) -> list[tuple[int, Decimal]]:
    """Equal percentages with two decimals that sum to exactly 100 (the first ones get
    the odd hundredths)."""
    count = len(municipality_ids)
    if not count:
        return []
    hundredths = allocate(10_000, [(m, HUNDRED / count) for m in municipality_ids])
    return [(m, Decimal(hundredths[m]) / 100) for m in municipality_ids]


def effective_shares(
    municipality_ids: list[int], recorded: dict[int, Decimal], lead_id: int | None
) -> list[tuple[int, Decimal]]:
    """The shares a project's figures are split by, the lead municipality first."""
    ordered = sorted(municipality_ids, key=lambda m: (m != lead_id, municipality_ids.index(m)))
    if ordered and set(recorded) == set(ordered) and sum(recorded.values(), Decimal(0)) == HUNDRED:
        return [(m, recorded[m]) for m in ordered]
    return equal_shares(ordered)


def project_shares(project) -> list[tuple[int, Decimal]]:
    """One project's shares from its prefetched `municipalities` and `shares`."""
    return effective_shares(
        [m.pk for m in project.municipalities.all()],
        {share.municipality_id: share.percent for share in project.shares.all()},
        project.lead_municipality_id,
    )


def share_parts(project, **amounts) -> list[dict]:
    """Each municipality's share of one project (from its prefetched `municipalities`
    and `shares`), the lead first, with its part of each of `amounts` (name=kroner)."""
    shares = project_shares(project)
    parts = {name: allocate(amount or 0, shares) for name, amount in amounts.items()}
    return [
        {
            "municipality_id": pk,
            "percent": share,
            "is_lead": pk == project.lead_municipality_id,
            **{name: split[pk] for name, split in parts.items()},
        }
        for pk, share in shares
    ]


def shares_text(project) -> str:
    """«Snåsa 60 %, Lierne 40 %» for a joint project, the lead first; empty otherwise."""
    names = {m.pk: m.name for m in project.municipalities.all()}
    shares = project_shares(project)
    if len(shares) < 2:
        return ""
    return ", ".join(f"{names[pk]} {percent(share)}" for pk, share in shares)


def shares_for(
    project_ids, leads: dict | None = None, *, within=None
) -> dict[int, list[tuple[int, Decimal]]]:
    """Each project's shares as (municipality id, percent), the lead first: three
    queries, whatever the number of projects (two when `leads`, {project id: lead
    municipality id}, is given). `within`: a queryset of (at least) these projects, to
    select their rows by instead of a list of thousands of ids."""
    project_ids = list(project_ids)
    selected = within.values("pk") if within is not None else project_ids
    members = defaultdict(list)
    for project_id, municipality_id in (
        Project.municipalities.through.objects.filter(project_id__in=selected)
        .order_by("project_id", "municipality__name")
        .values_list("project_id", "municipality_id")
    ):
        members[project_id].append(municipality_id)
    recorded = defaultdict(dict)
    for project_id, municipality_id, share in (
        ProjectShare.objects.filter(project_id__in=selected)
        .order_by()
        .values_list("project_id", "municipality_id", "percent")
    ):
        recorded[project_id][municipality_id] = share
    if leads is None:
        leads = dict(
            Project.objects.filter(pk__in=selected).values_list("pk", "lead_municipality_id")
        )
    return {
        pid: effective_shares(members[pid], recorded[pid], leads.get(pid)) for pid in project_ids
    }


def split_figures(
    figures: dict[int, dict[str, int]], shares: dict[int, list[tuple[int, Decimal]]]
) -> dict[int, dict[str, int]]:
    """Per-project figures ({project id: {"budget": …, "grant": …}}) summed per
    municipality, each project counting only the municipality's share."""
    totals = defaultdict(lambda: defaultdict(int))
    for project_id, values in figures.items():
        weights = shares.get(project_id) or []
        for name, amount in values.items():
            for municipality_id, part in allocate(amount or 0, weights).items():
                totals[municipality_id][name] += part
    return {m: dict(values) for m, values in totals.items()}


def municipality_part(amount: int, shares: list[tuple[int, Decimal]], municipality_id) -> int:
    """One municipality's part of one project's amount."""
    return allocate(amount or 0, shares).get(municipality_id, 0)


def share_of(shares: list[tuple[int, Decimal]], municipality_id) -> Decimal | None:
    return dict(shares).get(municipality_id)


def latest_approved_report_ids(projects):
    """The ids of the newest approved status report of each of `projects` (a queryset),
    for `pk__in`: one DISTINCT ON over the approved reports, which PostgreSQL runs once.
    SQLite (`make run`) has no DISTINCT ON: there, a subquery per project."""
    approved = ProgressReport.objects.approved().filter(project__in=projects.values("pk"))
    if not connections[projects.db].features.can_distinct_on_fields:
        newest = (
            ProgressReport.objects.approved()
            .filter(project=OuterRef("project"))
            .order_by("-period_end", "-pk")
            .values("pk")[:1]
        )
        return approved.filter(pk=Subquery(newest)).values("pk")
    return approved.order_by("project_id", "-period_end", "-pk").distinct("project_id").values("pk")


def _per_project(queryset, project="project") -> dict[int, int]:
    return dict(
        queryset.order_by()
        .values(project)
        .annotate(total=Sum("amount"))
        .values_list(project, "total")
    )


def project_figures(projects) -> tuple[dict[int, dict[str, int]], dict[int, int | None]]:
    """Budget, grant (the programme owner's funding) and costs incurred per project, and
    each project's lead municipality: four queries, each reading its table once, grouped
    by project, whatever the number of projects."""
    projects = projects.order_by()
    leads = dict(projects.values_list("pk", "lead_municipality_id"))
    ids = projects.values("pk")
    budget = _per_project(BudgetLine.objects.filter(project__in=ids))
    grant = _per_project(
        FundingLine.objects.filter(
            project__in=ids, source=F("project__agreement__programme__owner")
        )
    )
    incurred = _per_project(
        ReportCost.objects.filter(report__in=latest_approved_report_ids(projects)),
        "report__project",
    )
    figures = {
        pk: {
            "budget": budget.get(pk) or 0,
            "grant": grant.get(pk) or 0,
            "incurred": incurred.get(pk) or 0,
        }
        for pk in leads
    }
    return figures, leads


def municipality_totals(projects, municipality_ids=None) -> dict[int, dict[str, int]]:
    """Budget, grant and costs incurred per municipality over `projects` (a queryset),
    a joint project counting with each municipality's share; for `municipality_ids`
    only, when given. Three queries, whatever the number of projects; the figures of
    every municipality taking part sum to those of all the projects."""
    if municipality_ids is not None:
        projects = projects.filter(
            pk__in=Project.municipalities.through.objects.filter(
                municipality_id__in=list(municipality_ids)
            ).values("project_id")
        )
    figures, leads = project_figures(projects)
    totals = split_figures(figures, shares_for(list(figures), leads))
    if municipality_ids is not None:
        wanted = set(municipality_ids)
        totals = {m: values for m, values in totals.items() if m in wanted}
    return totals
