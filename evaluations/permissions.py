"""Object permissions for milestones and milestone reports: one function per decision.

Who may see a milestone or a report is its queryset's `visible_to` (evaluations/models.py).
"""

from accounts.permissions import follows_programme, leader_municipality_ids, user_is_active


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


def can_read_milestone_review_comment(user, milestone) -> bool:
    """A return comment on a milestone report is between the county and the
    municipality: the programme's advisers and the municipality's leaders read it;
    committee readers and partners do not."""
    if not user_is_active(user):
        return False
    if follows_programme(user, milestone_programme_id(milestone)):
        return True
    return bool(set(leader_municipality_ids(user)) & milestone_municipality_ids(milestone))


def can_manage_milestone(user, milestone) -> bool:
    """Advisers following the programme move due dates, register deliveries and add
    milestones."""
    return follows_programme(user, milestone_programme_id(milestone))


def can_manage_programme_milestones(user, programme) -> bool:
    """Advisers following the programme add milestones to its agreements."""
    return follows_programme(user, programme.pk)


def can_write_milestone_report(user, milestone) -> bool:
    """The responsible person, or a leader of the municipality, writes a report milestone."""
    if not user_is_active(user) or not milestone.is_report:
        return False
    if milestone.responsible_id == user.pk:
        return True
    return bool(set(leader_municipality_ids(user)) & milestone_municipality_ids(milestone))


def can_edit_milestone_report(user, report) -> bool:
    """Its writers change a report while it is a draft or returned to them."""
    return report.is_editable_state and can_write_milestone_report(user, report.milestone)


def can_review_milestone_report(user, report) -> bool:
    """An adviser following the programme approves or returns its milestone reports
    (a submitted one: the service says why another cannot be reviewed)."""
    return can_manage_milestone(user, report.milestone)
