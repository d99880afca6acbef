"""Object permissions for milestones: a milestone is as visible as what it belongs to."""

from django.db.models import Q


def scope_milestones(queryset, user):
    from agreements.models import Agreement, Programme
    from projects.models import Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(programme__in=Programme.objects.visible_to(user).values("pk"))
        | Q(agreement__in=Agreement.objects.visible_to(user).values("pk"))
        | Q(project__in=Project.objects.visible_to(user).values("pk"))
    )


def milestone_municipality_ids(milestone) -> set[int]:
    """The municipalities a milestone is about (none for a programme milestone)."""
    if milestone.agreement_id:
        return set(milestone.agreement.municipalities.values_list("pk", flat=True))
    if milestone.project_id:
        return set(milestone.project.municipalities.values_list("pk", flat=True))
    return set()


def milestone_programme_id(milestone) -> int:
    if milestone.programme_id:
        return milestone.programme_id
    if milestone.agreement_id:
        return milestone.agreement.programme_id
    return milestone.project.agreement.programme_id


def can_manage_milestone(user, milestone) -> bool:
    """Advisers following the programme move due dates and add milestones."""
    from accounts.permissions import adviser_programme_ids

    if not user.is_authenticated or not user.is_adviser:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or milestone_programme_id(milestone) in ids


def can_manage_programme_milestones(user, programme) -> bool:
    from accounts.permissions import adviser_programme_ids

    if not user.is_authenticated or not user.is_adviser:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or programme.pk in ids


def can_write_milestone_report(user, milestone) -> bool:
    """The responsible person, or a leader of the municipality, writes a report milestone."""
    from accounts.permissions import leader_municipality_ids

    if not user.is_authenticated or not user.is_active or not milestone.is_report:
        return False
    if milestone.responsible_id == user.pk:
        return True
    return bool(set(leader_municipality_ids(user)) & milestone_municipality_ids(milestone))


def scope_milestone_reports(queryset, user):
    """Advisers see every report of their programmes; leaders every report of their own
    municipalities; everyone else approved reports of milestones they may see."""
    from accounts.permissions import leader_municipality_ids
    from evaluations.models import Milestone, MilestoneReport

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    visible = Milestone.objects.visible_to(user).values("pk")
    if user.is_adviser:
        return queryset.filter(milestone__in=visible)
    approved = Q(status=MilestoneReport.Status.APPROVED, milestone__in=visible)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Q(milestone__agreement__municipalities__in=own_ids) | Q(
            milestone__project__municipalities__in=own_ids
        )
        return queryset.filter(own | approved | Q(milestone__responsible=user)).distinct()
    return queryset.filter(approved)


def can_edit_milestone_report(user, report) -> bool:
    return report.is_editable_state and can_write_milestone_report(user, report.milestone)


def can_review_milestone_report(user, report) -> bool:
    from evaluations.models import MilestoneReport

    return report.status == MilestoneReport.Status.SUBMITTED and can_manage_milestone(
        user, report.milestone
    )


def scope_report_orders(queryset, user):
    """Advisers see the orders of their programmes; a leader those he ordered or that
    cover his municipalities' projects; committee readers the finished ones of
    programmes they may see; partners none."""
    from accounts.models import Role
    from accounts.permissions import adviser_programme_ids, leader_municipality_ids
    from agreements.models import Programme
    from evaluations.models import ReportOrder

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return queryset if ids is None else queryset.filter(programme__in=ids)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        return queryset.filter(
            Q(ordered_by=user)
            | Q(project__municipalities__in=own_ids)
            | Q(municipality__in=own_ids)
        ).distinct()
    if user.has_role(Role.COMMITTEE_READER):
        return queryset.filter(
            status=ReportOrder.Status.READY,
            programme__in=Programme.objects.visible_to(user).values("pk"),
        )
    return queryset.none()


def can_order_reports(user) -> bool:
    """Advisers and project leaders order PDF reports; committee readers and partners
    only read the finished ones."""
    from accounts.permissions import leader_municipality_ids

    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_adviser or bool(leader_municipality_ids(user))


def can_order_report(user, *, kind, programme, municipality=None, project=None) -> bool:
    """Advisers order any kind of report in the programmes they follow; a project leader
    a project report on a published project of his own municipalities."""
    from accounts.permissions import adviser_programme_ids, leader_municipality_ids
    from agreements.models import Agreement
    from evaluations.models import ReportOrder
    from projects.models import Project

    if not can_order_reports(user) or programme is None:
        return False
    if kind == ReportOrder.Kind.PROJECT:
        if project is None or project.agreement.programme_id != programme.pk:
            return False
        if project.status == Project.Status.DRAFT or project.agreement.is_draft:
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
        ids = adviser_programme_ids(user)
        return ids is None or programme.pk in ids
    own_ids = leader_municipality_ids(user)
    return (
        kind == ReportOrder.Kind.PROJECT and project.municipalities.filter(pk__in=own_ids).exists()
    )


def can_mark_report_final(user, order) -> bool:
    """An adviser following the programme marks a ready programme report final; a final
    report is never changed again."""
    from accounts.permissions import adviser_programme_ids
    from evaluations.models import ReportOrder

    if not user.is_authenticated or not user.is_adviser:
        return False
    if order.kind != ReportOrder.Kind.PROGRAMME or order.status != ReportOrder.Status.READY:
        return False
    if order.is_final:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or order.programme_id in ids
