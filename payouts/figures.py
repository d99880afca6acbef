"""Granted, requested, ordered, paid and remaining over many projects: per project, per
municipality (a joint project counting with each municipality's share) and in total.
One query whatever the number of projects (plus two for the shares when split), and the
same numbers wherever they are shown: the municipalities' figures sum to the total.
A page reads the totals with `money_total` (summed by the database) and splits only the
projects of the municipalities it shows."""

from collections import defaultdict

from django.db.models import BigIntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ilag.aggregates import aggregated, scalar_sum
from ilag.review import ReviewStatus
from payouts.models import PaymentRequest, Payout, Settlement
from payouts.money import ProjectMoney
from projects.models import Project
from projects.shares import allocate, shares_for

FIGURES = ("granted", "requested", "ordered", "paid")


def _sum_per_project(queryset, **filters):
    return Coalesce(
        Subquery(
            queryset.filter(project=OuterRef("pk"), **filters)
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        Value(0),
        output_field=BigIntegerField(),
    )


def with_money(projects):
    """`projects` annotated with their money: `settled` (the settled grant, or None),
    `requested_sum`, `ordered_sum` and `paid_sum`; read it with `money_of`."""
    settled = Settlement.objects.filter(project=OuterRef("pk")).values("allowed")[:1]
    return projects.annotate(
        settled=Subquery(settled),
        requested_sum=_sum_per_project(PaymentRequest.objects, status=ReviewStatus.SUBMITTED),
        ordered_sum=_sum_per_project(Payout.objects, paid_on__isnull=True),
        paid_sum=_sum_per_project(Payout.objects, paid_on__isnull=False),
    )


def money_of(project) -> ProjectMoney:
    """The money of a project annotated by `with_money`."""
    return ProjectMoney(
        granted=project.settled if project.settled is not None else project.granted_amount or 0,
        requested=project.requested_sum,
        ordered=project.ordered_sum,
        paid=project.paid_sum,
    )


def money_rows(projects):
    """(project id, lead municipality id, ProjectMoney) for each of `projects`, in one
    query."""
    rows = (
        with_money(projects.order_by())
        .annotate(granted=Coalesce("settled", "granted_amount", Value(0)))
        .values_list(
            "pk", "lead_municipality_id", "granted", "requested_sum", "ordered_sum", "paid_sum"
        )
    )
    for pk, lead, granted, requested, ordered, paid in rows:
        yield pk, lead, ProjectMoney(granted, requested, ordered, paid)


def money_by_project(projects) -> dict[int, ProjectMoney]:
    """Each approved project's money, for a queryset of projects: one query."""
    return {pk: money for pk, _lead, money in money_rows(projects.counted())}


def money_total(projects) -> ProjectMoney:
    """The approved projects' money summed, by the database: one query, which reads
    each table once however many projects there are (the granted sum over the projects
    with their settlements; the requested, ordered and paid sums straight from the
    payment requests and payouts of those projects)."""
    counted = projects.counted().order_by().values("pk")
    totals = Project.objects.filter(pk__in=counted).aggregate(
        granted_total=Sum(Coalesce("settlement__allowed", "granted_amount", Value(0)), default=0),
        requested_total=aggregated(
            scalar_sum(
                PaymentRequest.objects.filter(project__in=counted, status=ReviewStatus.SUBMITTED)
            )
        ),
        ordered_total=aggregated(
            scalar_sum(Payout.objects.filter(project__in=counted, paid_on__isnull=True))
        ),
        paid_total=aggregated(
            scalar_sum(Payout.objects.filter(project__in=counted, paid_on__isnull=False))
        ),
    )
    return ProjectMoney(*(totals[f"{name}_total"] or 0 for name in FIGURES))


def money_by_municipality(
    projects, municipality_ids=None, *, shares=None
) -> dict[int, ProjectMoney]:
    """Each municipality's part of the projects' money; a joint project's figures are
    split by its shares in whole kroner, so the parts sum to the project's. With
    `municipality_ids`, for those only, reading only the projects they take part in.
    `shares`: the projects' `shares_for`, when the caller has them already."""
    projects = projects.counted()
    if municipality_ids is not None:
        projects = projects.filter(
            pk__in=Project.municipalities.through.objects.filter(
                municipality_id__in=list(municipality_ids)
            ).values("project_id")
        )
    return split_money(list(money_rows(projects)), municipality_ids, shares=shares)


def split_money(rows, municipality_ids=None, *, shares=None) -> dict[int, ProjectMoney]:
    """`money_rows` split per municipality by the projects' shares (two queries, none
    when the caller has the `shares_for` of these projects, or more, already)."""
    by_project = {pk: money for pk, _lead, money in rows}
    if shares is None:
        shares = shares_for(list(by_project), {pk: lead for pk, lead, _money in rows})
    totals: dict[int, ProjectMoney] = defaultdict(ProjectMoney)
    for pk, money in by_project.items():
        weights = shares.get(pk) or []
        if len(weights) == 1:  # the whole project is one municipality's
            totals[weights[0][0]].add(money)
            continue
        parts = {name: allocate(getattr(money, name), weights) for name in FIGURES}
        for municipality_id in dict(weights):
            totals[municipality_id].add(
                ProjectMoney(**{name: parts[name].get(municipality_id, 0) for name in FIGURES})
            )
    if municipality_ids is not None:
        return {m: totals.get(m, ProjectMoney()) for m in municipality_ids}
    return dict(totals)
