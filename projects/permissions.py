"""Object permissions for projects and status reports: one function per decision.

Who may see a project or a report is its queryset's `visible_to` (projects/models/).
"""

from accounts.permissions import follows_programme, leader_municipality_ids, user_is_active
from projects.models import ProgressReport, Project


def can_view_project(user, project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def is_project_leader_of(user, project) -> bool:
    """A project leader of one of the project's municipalities (joint projects too)."""
    own_ids = leader_municipality_ids(user)
    return bool(own_ids) and project.municipalities.filter(pk__in=own_ids).exists()


def can_edit_project(user, project) -> bool:
    """County advisers edit the projects of the programmes they follow; project leaders
    those of their municipalities, joint projects included."""
    if not user_is_active(user):
        return False
    if user.is_adviser:
        return follows_programme(user, project.agreement.programme_id)
    return is_project_leader_of(user, project)


# Status reports -------------------------------------------------------------------


def can_view_report(user, report) -> bool:
    return ProgressReport.objects.visible_to(user).filter(pk=report.pk).exists()


def can_create_report(user, project) -> bool:
    """The project's own leaders write its status reports."""
    return user_is_active(user) and is_project_leader_of(user, project)


def can_edit_report(user, report) -> bool:
    """The project's leaders edit a report while it is a draft or returned to them;
    once submitted it is locked for them."""
    return report.is_editable_state and can_create_report(user, report.project)


def can_submit_report(user, report) -> bool:
    """The project's leaders submit its reports (a draft or a returned one: the service
    says why another cannot be submitted)."""
    return can_create_report(user, report.project)


def can_review_report(user, report) -> bool:
    """An adviser following the programme approves or returns the project's reports
    (a submitted one: the service says why another cannot be reviewed)."""
    return follows_programme(user, report.project.agreement.programme_id)
