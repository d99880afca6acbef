"""Who sees and changes a project and its status reports, called directly.

Snåsa's projects are in a programme Meråker takes part in too; the joint project is
Meråker's and Snåsa's; Tydal is in another programme. Every test holds a yes and a no
of its decision side by side.
"""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from projects.models import ProgressReport
from projects.permissions import (
    can_create_report,
    can_edit_project,
    can_edit_report,
    can_review_report,
    can_submit_report,
    can_view_project,
    can_view_report,
    is_project_leader_of,
)
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    adviser,
    deactivated,
    following,
    fresh,
    leader,
)
from tests.module_world import built_once_per_module

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
EDITABLE = [Status.DRAFT, Status.RETURNED]
LOCKED = [Status.SUBMITTED, Status.APPROVED]
NOT_APPROVED = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED]


def report(project, status=Status.DRAFT):
    return ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date,
        status=status,
    )


def build_w():
    programme = ProgrammeFactory(shared_with_partners=True)
    unshared = ProgrammeFactory(shared_with_partners=False)
    elsewhere = ProgrammeFactory()
    snasa, meraker, tydal = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    meraker_agreement = AgreementFactory(programme=programme, municipalities=[meraker])
    draft_agreement = AgreementFactory(programme=programme, municipalities=[snasa], draft=True)
    return SimpleNamespace(
        programme=programme,
        project=ProjectFactory(agreement=agreement),
        draft_project=ProjectFactory(agreement=agreement, draft=True),
        in_draft_agreement=ProjectFactory(agreement=draft_agreement),
        meraker_project=ProjectFactory(agreement=meraker_agreement),
        joint=ProjectFactory(agreement=meraker_agreement, municipalities=[meraker, snasa]),
        unshared_project=ProjectFactory(
            agreement=AgreementFactory(programme=unshared, municipalities=[snasa])
        ),
        elsewhere_project=ProjectFactory(
            agreement=AgreementFactory(programme=elsewhere, municipalities=[tydal])
        ),
        follower=following(programme),
        stranger=following(elsewhere),
        superuser=UserFactory(is_superuser=True),
        owner=leader(snasa),
        other=leader(meraker),
        outsider=leader(tydal),
        committee=UserFactory(role=Role.COMMITTEE_READER),
        partner=UserFactory(role=Role.PARTNER),
    )


_built, w = built_once_per_module("w", build_w)


# can_view_project ------------------------------------------------------------------


def test_adviser_following_the_programme_views_its_projects_drafts_too(w):
    assert can_view_project(w.follower, w.project)
    assert can_view_project(w.follower, w.draft_project)
    assert can_view_project(w.follower, w.in_draft_agreement)
    assert not can_view_project(w.follower, w.elsewhere_project)


def test_adviser_not_following_the_programme_cannot_view_its_project(w):
    assert can_view_project(w.stranger, w.elsewhere_project)
    assert not can_view_project(w.stranger, w.project)


def test_superuser_views_every_project_drafts_too(w):
    for project in (w.project, w.draft_project, w.elsewhere_project):
        assert can_view_project(w.superuser, project)
    assert not can_view_project(w.stranger, w.draft_project)


def test_leader_views_his_municipalitys_projects_drafts_too(w):
    assert can_view_project(w.owner, w.draft_project)
    assert can_view_project(w.owner, w.in_draft_agreement)
    assert not can_view_project(w.other, w.draft_project)


def test_leader_of_another_municipality_in_the_programme_views_its_published_project(w):
    assert can_view_project(w.other, w.project)
    assert not can_view_project(w.outsider, w.project)


def test_leader_of_another_municipality_cannot_view_a_draft_project(w):
    assert can_view_project(w.owner, w.draft_project)
    assert not can_view_project(w.other, w.draft_project)
    assert not can_view_project(w.other, w.in_draft_agreement)


def test_leader_of_either_municipality_views_the_joint_project(w):
    assert can_view_project(w.owner, w.joint)
    assert can_view_project(w.other, w.joint)
    assert not can_view_project(w.outsider, w.joint)


def test_committee_reader_views_published_projects_but_no_drafts(w):
    assert can_view_project(w.committee, w.project)
    assert can_view_project(w.committee, w.unshared_project)
    assert not can_view_project(w.committee, w.draft_project)
    assert not can_view_project(w.committee, w.in_draft_agreement)


def test_partner_views_published_projects_of_programmes_shared_with_partners_only(w):
    assert can_view_project(w.partner, w.project)
    assert not can_view_project(w.partner, w.unshared_project)
    assert not can_view_project(w.partner, w.draft_project)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner", "other", "committee", "partner"])
def test_deactivated_user_views_no_project(w, who):
    user = getattr(w, who)
    assert can_view_project(fresh(user), w.project)
    assert not can_view_project(deactivated(user), w.project)


# is_project_leader_of --------------------------------------------------------------


def test_leader_of_the_municipality_leads_its_project(w):
    assert is_project_leader_of(w.owner, w.project)
    assert is_project_leader_of(w.owner, w.draft_project)
    assert not is_project_leader_of(w.owner, w.meraker_project)


def test_leader_of_another_municipality_does_not_lead_the_project(w):
    assert is_project_leader_of(w.other, w.meraker_project)
    assert not is_project_leader_of(w.other, w.project)


def test_leaders_of_both_municipalities_lead_the_joint_project(w):
    assert is_project_leader_of(w.owner, w.joint)
    assert is_project_leader_of(w.other, w.joint)
    assert not is_project_leader_of(w.outsider, w.joint)


def test_leader_of_several_municipalities_leads_the_projects_of_each(w):
    snasa, meraker = w.project.municipalities.get(), w.meraker_project.municipalities.get()
    both = UserFactory(role=Role.PROJECT_LEADER, municipalities=[snasa, meraker])
    assert is_project_leader_of(both, w.project)
    assert is_project_leader_of(both, w.meraker_project)
    assert not is_project_leader_of(both, w.elsewhere_project)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_only_a_project_leader_leads_a_project(w, who):
    assert is_project_leader_of(w.owner, w.project)
    assert not is_project_leader_of(getattr(w, who), w.project)


def test_adviser_given_the_municipality_does_not_lead_its_project(w):
    snasa = w.project.municipalities.get()
    assert is_project_leader_of(w.owner, w.project)
    assert not is_project_leader_of(adviser(municipalities=[snasa]), w.project)


def test_deactivated_leader_no_longer_leads_his_project(w):
    assert is_project_leader_of(fresh(w.owner), w.project)
    assert not is_project_leader_of(deactivated(w.owner), w.project)


# can_edit_project ------------------------------------------------------------------


def test_adviser_following_the_programme_edits_its_projects_drafts_too(w):
    assert can_edit_project(w.follower, w.project)
    assert can_edit_project(w.follower, w.draft_project)
    assert not can_edit_project(w.follower, w.elsewhere_project)


def test_adviser_not_following_the_programme_cannot_edit_its_project(w):
    assert can_edit_project(w.stranger, w.elsewhere_project)
    assert not can_edit_project(w.stranger, w.project)


def test_superuser_edits_every_project(w):
    assert can_edit_project(w.superuser, w.project)
    assert can_edit_project(w.superuser, w.elsewhere_project)
    assert not can_edit_project(w.stranger, w.project)


def test_leader_edits_his_municipalitys_projects_drafts_too(w):
    assert can_edit_project(w.owner, w.project)
    assert can_edit_project(w.owner, w.draft_project)
    assert not can_edit_project(w.owner, w.meraker_project)


def test_leader_of_another_municipality_cannot_edit_a_project_he_may_see(w):
    assert can_view_project(w.other, w.project)
    assert can_edit_project(w.owner, w.project)
    assert not can_edit_project(w.other, w.project)


def test_leaders_of_both_municipalities_edit_the_joint_project(w):
    assert can_edit_project(w.owner, w.joint)
    assert can_edit_project(w.other, w.joint)
    assert not can_edit_project(w.outsider, w.joint)


def test_adviser_given_the_municipality_but_not_following_cannot_edit_its_project(w):
    """An adviser's projects are those of the programmes he follows, not a municipality's."""
    snasa = w.project.municipalities.get()
    assert can_edit_project(w.owner, w.project)
    assert not can_edit_project(adviser(municipalities=[snasa]), w.project)


@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_cannot_edit_a_project(w, who):
    assert can_edit_project(w.owner, w.project)
    assert not can_edit_project(getattr(w, who), w.project)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner"])
def test_deactivated_user_cannot_edit_the_project_he_could_edit(w, who):
    user = getattr(w, who)
    assert can_edit_project(fresh(user), w.project)
    assert not can_edit_project(deactivated(user), w.project)


# can_view_report -------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_adviser_following_the_programme_views_its_reports_in_every_state(w, status):
    assert can_view_report(w.follower, report(w.project, status))
    assert not can_view_report(w.follower, report(w.elsewhere_project, status))


def test_adviser_not_following_the_programme_cannot_view_even_its_approved_report(w):
    approved = report(w.project, Status.APPROVED)
    assert can_view_report(w.follower, approved)
    assert not can_view_report(w.stranger, approved)


@pytest.mark.parametrize("status", Status.values)
def test_superuser_views_every_report_in_every_state(w, status):
    elsewhere = report(w.elsewhere_project, status)
    assert can_view_report(w.superuser, elsewhere)
    assert not can_view_report(w.follower, elsewhere)


@pytest.mark.parametrize("status", Status.values)
def test_leader_views_his_projects_reports_in_every_state(w, status):
    own = report(w.project, status)
    assert can_view_report(w.owner, own)
    assert not can_view_report(w.outsider, own)


@pytest.mark.parametrize("status", Status.values)
def test_leaders_of_both_municipalities_view_the_joint_projects_reports(w, status):
    joint_report = report(w.joint, status)
    assert can_view_report(w.owner, joint_report)
    assert can_view_report(w.other, joint_report)
    assert not can_view_report(w.outsider, joint_report)


def test_leader_of_another_municipality_views_an_approved_report_of_a_published_project(w):
    assert can_view_report(w.other, report(w.project, Status.APPROVED))
    assert not can_view_report(w.outsider, report(w.project, Status.APPROVED))


@pytest.mark.parametrize("status", NOT_APPROVED)
def test_leader_of_another_municipality_cannot_view_a_report_not_yet_approved(w, status):
    assert can_view_report(w.other, report(w.project, Status.APPROVED))
    assert not can_view_report(w.other, report(w.project, status))


def test_leader_of_another_municipality_cannot_view_an_approved_report_of_a_draft_project(w):
    assert can_view_report(w.owner, report(w.draft_project, Status.APPROVED))
    assert not can_view_report(w.other, report(w.draft_project, Status.APPROVED))


@pytest.mark.parametrize("status", NOT_APPROVED)
@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_view_approved_reports_only(w, who, status):
    user = getattr(w, who)
    assert can_view_report(user, report(w.project, Status.APPROVED))
    assert not can_view_report(user, report(w.project, status))


def test_partner_cannot_view_an_approved_report_of_a_programme_not_shared_with_partners(w):
    approved = report(w.unshared_project, Status.APPROVED)
    assert can_view_report(w.committee, approved)
    assert not can_view_report(w.partner, approved)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner", "other", "committee", "partner"])
def test_deactivated_user_views_no_report(w, who):
    approved = report(w.project, Status.APPROVED)
    user = getattr(w, who)
    assert can_view_report(fresh(user), approved)
    assert not can_view_report(deactivated(user), approved)


# can_create_report -----------------------------------------------------------------


def test_leader_creates_reports_on_his_approved_projects_not_on_proposals_or_closed_ones(w):
    assert can_create_report(w.owner, w.project)
    assert not can_create_report(w.owner, w.draft_project)
    assert not can_create_report(w.owner, w.meraker_project)
    w.project.status = "completed"
    assert not can_create_report(w.owner, w.project)


def test_leader_of_another_municipality_cannot_create_a_report_on_the_project(w):
    assert can_create_report(w.owner, w.project)
    assert not can_create_report(w.other, w.project)


def test_leaders_of_both_municipalities_create_reports_on_the_joint_project(w):
    assert can_create_report(w.owner, w.joint)
    assert can_create_report(w.other, w.joint)
    assert not can_create_report(w.outsider, w.joint)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_nobody_but_the_projects_leaders_creates_its_reports(w, who):
    assert can_create_report(w.owner, w.project)
    assert not can_create_report(getattr(w, who), w.project)


def test_deactivated_leader_cannot_create_a_report(w):
    assert can_create_report(fresh(w.owner), w.project)
    assert not can_create_report(deactivated(w.owner), w.project)


# can_edit_report -------------------------------------------------------------------


@pytest.mark.parametrize("status", EDITABLE)
def test_leader_edits_his_projects_draft_or_returned_report(w, status):
    own = report(w.project, status)
    assert can_edit_report(w.owner, own)
    assert not can_edit_report(w.other, own)


@pytest.mark.parametrize("status", LOCKED)
def test_leader_cannot_edit_a_submitted_or_approved_report(w, status):
    assert can_edit_report(w.owner, report(w.project, Status.DRAFT))
    assert not can_edit_report(w.owner, report(w.project, status))


@pytest.mark.parametrize("status", EDITABLE)
def test_leaders_of_both_municipalities_edit_the_joint_projects_report(w, status):
    joint_report = report(w.joint, status)
    assert can_edit_report(w.owner, joint_report)
    assert can_edit_report(w.other, joint_report)
    assert not can_edit_report(w.outsider, joint_report)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_nobody_but_the_projects_leaders_edits_its_draft_report(w, who):
    draft = report(w.project, Status.DRAFT)
    assert can_edit_report(w.owner, draft)
    assert not can_edit_report(getattr(w, who), draft)


def test_deactivated_leader_cannot_edit_his_draft_report(w):
    draft = report(w.project, Status.DRAFT)
    assert can_edit_report(fresh(w.owner), draft)
    assert not can_edit_report(deactivated(w.owner), draft)


# can_submit_report (who; the service refuses wrong states) --------------------------


@pytest.mark.parametrize("status", EDITABLE)
def test_leader_submits_his_projects_draft_or_returned_report(w, status):
    own = report(w.project, status)
    assert can_submit_report(w.owner, own)
    assert not can_submit_report(w.other, own)


@pytest.mark.parametrize("status", LOCKED)
def test_can_submit_report_decides_who_and_leaves_the_state_to_the_service(w, status):
    locked = report(w.project, status)
    assert can_submit_report(w.owner, locked)
    assert not can_submit_report(w.follower, locked)


def test_leaders_of_both_municipalities_submit_the_joint_projects_report(w):
    joint_report = report(w.joint)
    assert can_submit_report(w.owner, joint_report)
    assert can_submit_report(w.other, joint_report)
    assert not can_submit_report(w.outsider, joint_report)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_nobody_but_the_projects_leaders_submits_its_report(w, who):
    draft = report(w.project)
    assert can_submit_report(w.owner, draft)
    assert not can_submit_report(getattr(w, who), draft)


def test_deactivated_leader_cannot_submit_his_report(w):
    draft = report(w.project)
    assert can_submit_report(fresh(w.owner), draft)
    assert not can_submit_report(deactivated(w.owner), draft)


# can_review_report (who; the service refuses wrong states) --------------------------


def test_adviser_following_the_programme_reviews_its_submitted_report(w):
    assert can_review_report(w.follower, report(w.project, Status.SUBMITTED))
    assert not can_review_report(w.follower, report(w.elsewhere_project, Status.SUBMITTED))


def test_adviser_not_following_the_programme_cannot_review_its_report(w):
    submitted = report(w.project, Status.SUBMITTED)
    assert can_review_report(w.follower, submitted)
    assert not can_review_report(w.stranger, submitted)


def test_superuser_reviews_every_report(w):
    assert can_review_report(w.superuser, report(w.project, Status.SUBMITTED))
    assert can_review_report(w.superuser, report(w.elsewhere_project, Status.SUBMITTED))
    assert not can_review_report(w.stranger, report(w.project, Status.SUBMITTED))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.APPROVED])
def test_can_review_report_decides_who_and_leaves_the_state_to_the_service(w, status):
    other_state = report(w.project, status)
    assert can_review_report(w.follower, other_state)
    assert not can_review_report(w.owner, other_state)


@pytest.mark.parametrize("who", ["owner", "other", "committee", "partner"])
def test_nobody_but_a_following_adviser_reviews_a_report(w, who):
    submitted = report(w.project, Status.SUBMITTED)
    assert can_review_report(w.follower, submitted)
    assert not can_review_report(getattr(w, who), submitted)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_review_a_report(w, who):
    submitted = report(w.project, Status.SUBMITTED)
    user = getattr(w, who)
    assert can_review_report(fresh(user), submitted)
    assert not can_review_report(deactivated(user), submitted)
