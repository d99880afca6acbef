"""Object permissions for projects: one function per decision."""

from django.db.models import Q

from accounts.permissions import adviser_programme_ids, is_reader_role, leader_municipality_ids


def scope_projects(queryset, user):
    """Advisers see every project of their programmes; a leader his municipalities'
    projects (drafts too) and the other municipalities' published projects in the same
    programmes; readers and partners the published projects of programmes they may see."""
    from agreements.models import Agreement, Programme
    from projects.models import Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return queryset if ids is None else queryset.filter(agreement__programme__in=ids)
    published = ~Q(status=Project.Status.DRAFT) & ~Q(agreement__status=Agreement.Status.DRAFT)
    programmes = Programme.objects.visible_to(user).values("pk")
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Project.objects.filter(municipalities__in=own_ids).values("pk")
        return queryset.filter(Q(pk__in=own) | (published & Q(agreement__programme__in=programmes)))
    if is_reader_role(user):
        return queryset.filter(published & Q(agreement__programme__in=programmes))
    return queryset.none()


def can_view_project(user, project) -> bool:
    from projects.models import Project

    return scope_projects(Project.objects.filter(pk=project.pk), user).exists()


def can_edit_project(user, project) -> bool:
    """County advisers edit the projects of their programmes; project leaders those of
    their municipalities, joint projects included."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return ids is None or project.agreement.programme_id in ids
    own_ids = leader_municipality_ids(user)
    return bool(own_ids) and project.municipalities.filter(pk__in=own_ids).exists()


def is_project_leader_of(user, project) -> bool:
    """A project leader of one of the project's municipalities (joint projects too)."""
    own_ids = leader_municipality_ids(user)
    return bool(own_ids) and project.municipalities.filter(pk__in=own_ids).exists()


def follows_programme(user, project) -> bool:
    if not user.is_authenticated or not user.is_adviser:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or project.agreement.programme_id in ids


# Status reports -------------------------------------------------------------------


def scope_reports(queryset, user):
    """Advisers see every report of their programmes; a leader every report of his
    municipalities' projects; everyone else only approved reports of projects they
    may see (never a draft, a submitted or a returned one)."""
    from projects.models import ProgressReport, Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    visible_projects = Project.objects.visible_to(user).values("pk")
    if user.is_adviser:
        return queryset.filter(project__in=visible_projects)
    approved = Q(status=ProgressReport.Status.APPROVED, project__in=visible_projects)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Project.objects.filter(municipalities__in=own_ids).values("pk")
        return queryset.filter(Q(project__in=own) | approved)
    return queryset.filter(approved)


def can_view_report(user, report) -> bool:
    from projects.models import ProgressReport

    return scope_reports(ProgressReport.objects.filter(pk=report.pk), user).exists()


def can_create_report(user, project) -> bool:
    """The project's own leaders write its status reports."""
    return user.is_authenticated and user.is_active and is_project_leader_of(user, project)


def can_edit_report(user, report) -> bool:
    """The project's leaders edit a report while it is a draft or returned to them;
    once submitted it is locked for them."""
    return report.is_editable_state and can_create_report(user, report.project)


def can_submit_report(user, report) -> bool:
    return can_edit_report(user, report)


def can_review_report(user, report) -> bool:
    """An adviser following the programme approves or returns a submitted report."""
    from projects.models import ProgressReport

    return report.status == ProgressReport.Status.SUBMITTED and follows_programme(
        user, report.project
    )


# Documents ------------------------------------------------------------------------


def scope_documents(queryset, user):
    """A document is as visible as what it is attached to."""
    from agreements.models import Agreement
    from projects.models import ProgressReport, Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    from evaluations.models import MilestoneReport

    return queryset.filter(
        Q(project__in=Project.objects.visible_to(user).values("pk"))
        | Q(agreement__in=Agreement.objects.visible_to(user).values("pk"))
        | Q(progress_report__in=ProgressReport.objects.visible_to(user).values("pk"))
        | Q(milestone_report__in=MilestoneReport.objects.visible_to(user).values("pk"))
    )


def can_view_document(user, document) -> bool:
    from projects.models import Document

    return scope_documents(Document.objects.filter(pk=document.pk), user).exists()


def can_attach_document(user, parent) -> bool:
    """Attach to a project its editors; to an agreement its advisers; to a report its
    leaders while they may still edit it."""
    from agreements.models import Agreement
    from agreements.permissions import can_edit_agreement
    from projects.models import ProgressReport, Project

    if isinstance(parent, Project):
        return can_edit_project(user, parent)
    if isinstance(parent, Agreement):
        return can_edit_agreement(user, parent)
    if isinstance(parent, ProgressReport):
        return can_edit_report(user, parent)
    from evaluations.models import MilestoneReport
    from evaluations.permissions import can_edit_milestone_report

    if isinstance(parent, MilestoneReport):
        return can_edit_milestone_report(user, parent)
    return False


def can_delete_document(user, document) -> bool:
    """Whoever may attach to the parent may remove a document from it."""
    return can_attach_document(user, document.parent)
