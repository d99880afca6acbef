"""Object permissions for payout plans, payment requests and payouts: one function per
decision. Who sees a request or a payout is its queryset's `visible_to`."""

from accounts.permissions import follows_programme, user_is_active
from ilag.review import ReviewStatus
from projects.models import Project
from projects.permissions import is_project_leader_of


def _programme_id(holder) -> int:
    """The programme of a programme, an agreement or a project."""
    if hasattr(holder, "agreement"):
        return holder.agreement.programme_id
    return getattr(holder, "programme_id", holder.pk)


def can_view_project_payouts(user, project) -> bool:
    """The programme's advisers and the project's own leaders follow its money in
    detail; everyone else sees the figures only."""
    if not user_is_active(user):
        return False
    if user.is_adviser:
        return follows_programme(user, project.agreement.programme_id)
    return is_project_leader_of(user, project)


def can_edit_plan(user, holder) -> bool:
    """An adviser following the programme sets the payout plan of the programme (its
    default), of an agreement or of a project."""
    return follows_programme(user, _programme_id(holder))


def can_request_payout(user, project) -> bool:
    """The project's leaders request payouts on an ongoing project."""
    return (
        user_is_active(user)
        and project.status == Project.Status.ACTIVE
        and is_project_leader_of(user, project)
    )


def can_edit_payment_request(user, request) -> bool:
    """Its leaders change a draft or returned request; once submitted it is locked."""
    return request.is_editable_state and can_request_payout(user, request.project)


def can_review_payment_request(user, request) -> bool:
    """An adviser following the programme approves or returns a submitted request."""
    return request.status == ReviewStatus.SUBMITTED and follows_programme(
        user, request.project.agreement.programme_id
    )


def can_mark_payout_paid(user, payout) -> bool:
    """An adviser following the programme registers what the ledger has paid."""
    return follows_programme(user, payout.project.agreement.programme_id)


def can_export_payouts(user) -> bool:
    """Advisers export the payouts to pay for the finance system."""
    return user_is_active(user) and user.is_adviser
