"""Who orders PDF reports and marks them final: one function per decision.

Who may see an order is `ReportOrder.objects.visible_to` (reports/models.py).
"""

from accounts.permissions import follows_programme, leader_municipality_ids, user_is_active
from agreements.models import Agreement
from projects.models import Project
from reports.models import ReportOrder


def can_order_reports(user) -> bool:
    """Advisers and project leaders order PDF reports; committee readers and partners
    only read the finished ones."""
    if not user_is_active(user):
        return False
    return user.is_adviser or bool(leader_municipality_ids(user))


def can_order_report(user, *, kind, programme, municipality=None, project=None) -> bool:
    """Advisers order any kind of report in the programmes they follow; a project leader
    a project report on a published project of his own municipalities."""
    if not can_order_reports(user) or programme is None:
        return False
    if kind == ReportOrder.Kind.PROJECT:
        if project is None or project.agreement.programme_id != programme.pk:
            return False
        if project.status in Project.PROPOSAL_STATES or project.agreement.is_draft:
            return False
    elif kind == ReportOrder.Kind.MUNICIPALITY:
        if municipality is None or not (
            Agreement.objects.filter(programme=programme, municipalities=municipality).exists()
            or Project.objects.filter(
                agreement__programme=programme, municipalities=municipality
            ).exists()
        ):
            return False
    elif kind != ReportOrder.Kind.PROGRAMME:
        return False
    if user.is_adviser:
        return follows_programme(user, programme.pk)
    own_ids = leader_municipality_ids(user)
    return (
        kind == ReportOrder.Kind.PROJECT and project.municipalities.filter(pk__in=own_ids).exists()
    )


def can_mark_report_final(user, order) -> bool:
    """An adviser following the programme marks a ready programme report final; a final
    report is never changed again."""
    if order.kind != ReportOrder.Kind.PROGRAMME or order.status != ReportOrder.Status.READY:
        return False
    return not order.is_final and follows_programme(user, order.programme_id)
