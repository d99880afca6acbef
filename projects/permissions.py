"""Object permissions for projects and status reports: one function per decision.

Who may see a project or a report is its queryset's `visible_to` (projects/models/).
"""

from accounts.permissions import follows_programme, leader_municipality_ids, user_is_active
from agreements.models import Agreement
from projects.models import ProgressReport, Project


def can_view_project(user, project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def is_project_leader_of(user, project) -> bool:
    """A project leader of one of the project's municipalities (joint projects too)."""
    own_ids = leader_municipality_ids(user)
    # all(): the municipalities a page has prefetched, instead of a query per check.
    return bool(own_ids) and any(m.pk in own_ids for m in project.municipalities.all())


def can_read_review_comment(user, project) -> bool:
    """A return or approval comment is between the county and the municipality: the
    programme's advisers and the project's leaders read it, committee readers and
    partners do not (it is not published matter)."""
    return follows_programme(user, project.agreement.programme_id) or is_project_leader_of(
        user, project
    )


def can_edit_project(user, project) -> bool:
    """County advisers edit the projects of the programmes they follow; project leaders
    those of their municipalities, joint projects included. A closed project is frozen
    until an adviser reopens it; a submitted proposal waits for the county."""
    if not user_is_active(user) or project.status == Project.Status.COMPLETED:
        return False
    if user.is_adviser:
        return follows_programme(user, project.agreement.programme_id)
    return project.status != Project.Status.SUBMITTED and is_project_leader_of(user, project)


def can_propose_project(user, agreement) -> bool:
    """Under a signed, running agreement: its municipalities' project leaders propose
    projects, and the advisers following the programme make them directly."""
    if not user_is_active(user) or agreement.status not in (
        Agreement.Status.SIGNED,
        Agreement.Status.ACTIVE,
    ):
        return False
    if user.is_adviser:
        return follows_programme(user, agreement.programme_id)
    own_ids = leader_municipality_ids(user)
    # all(): the municipalities the agreement's page has prefetched, without a query.
    return bool(own_ids) and any(m.pk in own_ids for m in agreement.municipalities.all())


def can_submit_project(user, project) -> bool:
    """The project's leaders submit its proposal (a draft or a returned one)."""
    return (
        user_is_active(user)
        and project.status in (Project.Status.DRAFT, Project.Status.RETURNED)
        and is_project_leader_of(user, project)
    )


def can_review_project(user, project) -> bool:
    """An adviser following the programme approves a proposal (or one he drafted
    himself) or returns a submitted one."""
    return project.is_proposal and follows_programme(user, project.agreement.programme_id)


def can_close_project(user, project) -> bool:
    """An adviser following the programme closes an ongoing project (the service says
    whether its final report is approved)."""
    return project.status == Project.Status.ACTIVE and follows_programme(
        user, project.agreement.programme_id
    )


def can_reopen_project(user, project) -> bool:
    return project.status == Project.Status.COMPLETED and follows_programme(
        user, project.agreement.programme_id
    )


# Status reports -------------------------------------------------------------------


def can_view_report(user, report) -> bool:
    return ProgressReport.objects.visible_to(user).filter(pk=report.pk).exists()


def can_create_report(user, project) -> bool:
    """The project's own leaders write its status reports, once it is approved and
    until it is closed."""
    return (
        user_is_active(user)
        and project.status == Project.Status.ACTIVE
        and is_project_leader_of(user, project)
    )


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


def can_review_change_request(user, change) -> bool:
    """An adviser following the programme approves or returns a change request (the
    service says why one that is no longer waiting cannot be)."""
    return follows_programme(user, change.project.agreement.programme_id)
