"""Granted, requested, ordered, paid and remaining over many projects: per project, per
municipality (a joint project counting with each municipality's share) and in total.
Three queries whatever the number of projects (plus the shares' when split), and the
same numbers wherever they are shown: the municipalities' figures sum to the total."""

from collections import defaultdict

from django.db.models import Q, Sum

from ilag.review import ReviewStatus
from payouts.models import PaymentRequest, Payout, Settlement
from payouts.services import ProjectMoney
from projects.models import Project
from projects.shares import allocate, shares_for

FIGURES = ("granted", "requested", "ordered", "paid")


def money_projects(projects):
    """The projects money is counted for: approved ones (ongoing or closed)."""
    return projects.exclude(status__in=Project.PROPOSAL_STATES).exclude(
        status=Project.Status.CANCELLED
    )


def money_by_project(projects) -> dict[int, ProjectMoney]:
    """Each project's money, for a queryset of projects."""
    projects = money_projects(projects)
    rows = {
        pk: ProjectMoney(granted=granted or 0)
        for pk, granted in projects.order_by().values_list("pk", "granted_amount")
    }
    ids = projects.order_by().values("pk")
    for pk, allowed in Settlement.objects.filter(project__in=ids).values_list(
        "project_id", "allowed"
    ):
        rows[pk].granted = allowed
    for pk, total in (
        PaymentRequest.objects.filter(project__in=ids, status=ReviewStatus.SUBMITTED)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    ):
        rows[pk].requested = total
    for pk, ordered, paid in (
        Payout.objects.filter(project__in=ids)
        .order_by()
        .values("project_id")
        .annotate(
            ordered=Sum("amount", filter=Q(paid_on__isnull=True), default=0),
            paid=Sum("amount", filter=Q(paid_on__isnull=False), default=0),
        )
        .values_list("project_id", "ordered", "paid")
    ):
        rows[pk].ordered, rows[pk].paid = ordered, paid
    return rows


def money_total(projects) -> ProjectMoney:
    total = ProjectMoney()
    for money in money_by_project(projects).values():
        total.add(money)
    return total


def money_by_municipality(projects, municipality_ids=None) -> dict[int, ProjectMoney]:
    """Each municipality's part of the projects' money; a joint project's figures are
    split by its shares in whole kroner, so the parts sum to the project's."""
    by_project = money_by_project(projects)
    shares = shares_for(list(by_project))
    totals: dict[int, ProjectMoney] = defaultdict(ProjectMoney)
    for pk, money in by_project.items():
        weights = shares.get(pk) or []
        parts = {name: allocate(getattr(money, name), weights) for name in FIGURES}
        for municipality_id in dict(weights):
            totals[municipality_id].add(
                ProjectMoney(**{name: parts[name].get(municipality_id, 0) for name in FIGURES})
            )
    if municipality_ids is not None:
        return {m: totals.get(m, ProjectMoney()) for m in municipality_ids}
    return dict(totals)


def money_by_agreement(projects) -> dict[int, ProjectMoney]:
    by_project = money_by_project(projects)
    agreements = dict(
        Project.objects.filter(pk__in=list(by_project)).values_list("pk", "agreement_id")
    )
    totals: dict[int, ProjectMoney] = defaultdict(ProjectMoney)
    for pk, money in by_project.items():
        totals[agreements[pk]].add(money)
    return dict(totals)
