"""Who manages milestones and writes and reviews milestone reports, called directly.

Snåsa's agreement is in a programme Meråker takes part in too; the joint project is
Meråker's and Snåsa's; Tydal is in another programme. Every test holds a yes and a no
of its decision side by side.
"""

import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from evaluations.models import Milestone, MilestoneReport
from evaluations.permissions import (
    can_edit_milestone_report,
    can_manage_milestone,
    can_manage_programme_milestones,
    can_review_milestone_report,
    can_write_milestone_report,
    milestone_municipality_ids,
    milestone_programme_id,
)
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    deactivated,
    following,
    fresh,
    leader,
)
from tests.module_world import built_once_per_module

pytestmark = pytest.mark.django_db
D = datetime.date

Kind = Milestone.Kind
Status = MilestoneReport.Status
EDITABLE = [Status.DRAFT, Status.RETURNED]
LOCKED = [Status.SUBMITTED, Status.APPROVED]
OWNERS = ["programme_milestone", "agreement_milestone", "project_milestone"]


def milestone(kind=Kind.MIDTERM_REPORT, **owner):
    return Milestone.objects.create(kind=kind, due_date=D(2024, 6, 1), **owner)


def build_w():
    elsewhere = ProgrammeFactory()  # made first, so that the programmes' pks differ from 1
    programme = ProgrammeFactory()
    snasa, meraker, tydal = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    meraker_agreement = AgreementFactory(programme=programme, municipalities=[meraker])
    joint = ProjectFactory(agreement=meraker_agreement, municipalities=[meraker, snasa])
    elsewhere_agreement = AgreementFactory(programme=elsewhere, municipalities=[tydal])
    return SimpleNamespace(
        programme=programme,
        elsewhere=elsewhere,
        snasa=snasa,
        meraker=meraker,
        agreement=agreement,
        meraker_agreement=meraker_agreement,
        joint=joint,
        programme_milestone=milestone(Kind.FINAL_REPORT, programme=programme),
        agreement_milestone=milestone(agreement=agreement),
        project_milestone=milestone(Kind.FINAL_REPORT, project=joint),
        snasa_project_milestone=milestone(project=ProjectFactory(agreement=agreement)),
        one_off=milestone(Kind.OTHER, agreement=agreement, title="Workshop"),
        evaluation=milestone(Kind.MIDTERM_EVALUATION, agreement=agreement),
        elsewhere_milestone=milestone(agreement=elsewhere_agreement),
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


def report(w, status=Status.DRAFT, **owner):
    """A milestone report on a new report milestone of Snåsa's agreement (or of `owner`)."""
    return MilestoneReport.objects.create(
        milestone=milestone(**(owner or {"agreement": w.agreement})), status=status
    )


# milestone_municipality_ids --------------------------------------------------------


def test_agreement_milestone_is_about_the_agreements_municipalities(w):
    assert milestone_municipality_ids(w.agreement_milestone) == {w.snasa.pk}
    assert milestone_municipality_ids(milestone(agreement=w.meraker_agreement)) == {w.meraker.pk}


def test_joint_project_milestone_is_about_every_municipality_of_the_project(w):
    assert milestone_municipality_ids(w.project_milestone) == {w.snasa.pk, w.meraker.pk}
    assert milestone_municipality_ids(w.snasa_project_milestone) == {w.snasa.pk}


def test_programme_milestone_is_about_no_municipality(w):
    assert milestone_municipality_ids(w.programme_milestone) == set()
    assert milestone_municipality_ids(w.agreement_milestone) == {w.snasa.pk}


# milestone_programme_id ------------------------------------------------------------


@pytest.mark.parametrize("owner", OWNERS)
def test_milestone_belongs_to_the_programme_of_its_owner(w, owner):
    assert milestone_programme_id(getattr(w, owner)) == w.programme.pk
    assert milestone_programme_id(w.elsewhere_milestone) == w.elsewhere.pk


def test_project_milestone_belongs_to_the_programme_of_the_projects_agreement(w):
    elsewhere_project = ProjectFactory(agreement=w.elsewhere_milestone.agreement)
    assert milestone_programme_id(milestone(project=elsewhere_project)) == w.elsewhere.pk
    assert milestone_programme_id(w.project_milestone) == w.programme.pk


# can_manage_milestone --------------------------------------------------------------


@pytest.mark.parametrize("owner", [*OWNERS, "one_off", "evaluation"])
def test_adviser_following_the_programme_manages_its_milestones(w, owner):
    assert can_manage_milestone(w.follower, getattr(w, owner))
    assert not can_manage_milestone(w.follower, w.elsewhere_milestone)


@pytest.mark.parametrize("owner", OWNERS)
def test_adviser_not_following_the_programme_cannot_manage_its_milestones(w, owner):
    assert can_manage_milestone(w.stranger, w.elsewhere_milestone)
    assert not can_manage_milestone(w.stranger, getattr(w, owner))


@pytest.mark.parametrize("owner", OWNERS)
def test_superuser_manages_every_milestone(w, owner):
    assert can_manage_milestone(w.superuser, getattr(w, owner))
    assert can_manage_milestone(w.superuser, w.elsewhere_milestone)
    assert not can_manage_milestone(w.stranger, getattr(w, owner))


@pytest.mark.parametrize("owner", ["agreement_milestone", "project_milestone"])
def test_leader_of_the_municipality_cannot_manage_its_milestones(w, owner):
    assert can_manage_milestone(w.follower, getattr(w, owner))
    assert not can_manage_milestone(w.owner, getattr(w, owner))


def test_responsible_leader_cannot_manage_the_milestone_he_reports_on(w):
    responsible_for = milestone(agreement=w.agreement, responsible=w.owner)
    assert can_manage_milestone(w.follower, responsible_for)
    assert not can_manage_milestone(w.owner, responsible_for)


@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_cannot_manage_a_milestone(w, who):
    assert can_manage_milestone(w.follower, w.agreement_milestone)
    assert not can_manage_milestone(getattr(w, who), w.agreement_milestone)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_manage_a_milestone(w, who):
    user = getattr(w, who)
    assert can_manage_milestone(fresh(user), w.agreement_milestone)
    assert not can_manage_milestone(deactivated(user), w.agreement_milestone)


# can_manage_programme_milestones ---------------------------------------------------


def test_adviser_following_the_programme_adds_milestones_to_its_agreements(w):
    assert can_manage_programme_milestones(w.follower, w.programme)
    assert not can_manage_programme_milestones(w.follower, w.elsewhere)


def test_adviser_not_following_the_programme_cannot_add_milestones_to_its_agreements(w):
    assert can_manage_programme_milestones(w.stranger, w.elsewhere)
    assert not can_manage_programme_milestones(w.stranger, w.programme)


def test_superuser_adds_milestones_to_the_agreements_of_every_programme(w):
    assert can_manage_programme_milestones(w.superuser, w.programme)
    assert can_manage_programme_milestones(w.superuser, w.elsewhere)
    assert not can_manage_programme_milestones(w.stranger, w.programme)


@pytest.mark.parametrize("who", ["owner", "committee", "partner"])
def test_nobody_but_a_following_adviser_adds_milestones_to_a_programmes_agreements(w, who):
    assert can_manage_programme_milestones(w.follower, w.programme)
    assert not can_manage_programme_milestones(getattr(w, who), w.programme)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_add_milestones_to_a_programmes_agreements(w, who):
    user = getattr(w, who)
    assert can_manage_programme_milestones(fresh(user), w.programme)
    assert not can_manage_programme_milestones(deactivated(user), w.programme)


# can_write_milestone_report --------------------------------------------------------


def test_leader_of_the_municipality_writes_the_agreements_report_milestone(w):
    assert can_write_milestone_report(w.owner, w.agreement_milestone)
    assert not can_write_milestone_report(w.owner, milestone(agreement=w.meraker_agreement))


def test_leader_of_another_municipality_cannot_write_the_agreements_report_milestone(w):
    assert can_write_milestone_report(w.owner, w.agreement_milestone)
    assert not can_write_milestone_report(w.other, w.agreement_milestone)
    assert not can_write_milestone_report(w.outsider, w.agreement_milestone)


def test_leaders_of_both_municipalities_write_the_joint_projects_report_milestone(w):
    assert can_write_milestone_report(w.owner, w.project_milestone)
    assert can_write_milestone_report(w.other, w.project_milestone)
    assert not can_write_milestone_report(w.outsider, w.project_milestone)


def test_responsible_person_writes_the_report_milestone_without_leading_the_municipality(w):
    responsible_for = milestone(agreement=w.agreement, responsible=w.partner)
    assert can_write_milestone_report(w.partner, responsible_for)
    assert not can_write_milestone_report(w.partner, w.agreement_milestone)


@pytest.mark.parametrize("kind", [Kind.STARTUP_NOTE, Kind.MIDTERM_REPORT, Kind.FINAL_REPORT])
def test_every_report_kind_is_written_by_the_municipality(w, kind):
    assert can_write_milestone_report(w.owner, milestone(kind, agreement=w.agreement))
    assert not can_write_milestone_report(w.other, milestone(kind, agreement=w.agreement))


@pytest.mark.parametrize("owner", ["one_off", "evaluation"])
def test_milestone_that_is_not_a_report_is_written_by_nobody(w, owner):
    not_a_report = getattr(w, owner)
    not_a_report.responsible = w.owner
    not_a_report.save()
    assert can_write_milestone_report(w.owner, w.agreement_milestone)
    assert not can_write_milestone_report(w.owner, not_a_report)


def test_programme_milestone_of_a_report_kind_is_written_by_nobody(w):
    programme_report = milestone(Kind.FINAL_REPORT, programme=w.programme, responsible=w.owner)
    assert can_write_milestone_report(w.owner, w.agreement_milestone)
    assert not can_write_milestone_report(w.owner, programme_report)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_nobody_else_writes_a_report_milestone_he_is_not_responsible_for(w, who):
    assert can_write_milestone_report(w.owner, w.agreement_milestone)
    assert not can_write_milestone_report(getattr(w, who), w.agreement_milestone)


def test_deactivated_leader_cannot_write_his_municipalitys_report_milestone(w):
    assert can_write_milestone_report(fresh(w.owner), w.agreement_milestone)
    assert not can_write_milestone_report(deactivated(w.owner), w.agreement_milestone)


def test_deactivated_responsible_person_cannot_write_the_report_milestone(w):
    responsible_for = milestone(agreement=w.agreement, responsible=w.partner)
    assert can_write_milestone_report(fresh(w.partner), responsible_for)
    assert not can_write_milestone_report(deactivated(w.partner), responsible_for)


# can_edit_milestone_report ---------------------------------------------------------


@pytest.mark.parametrize("status", EDITABLE)
def test_leader_edits_his_municipalitys_draft_or_returned_milestone_report(w, status):
    own = report(w, status)
    assert can_edit_milestone_report(w.owner, own)
    assert not can_edit_milestone_report(w.other, own)


@pytest.mark.parametrize("status", LOCKED)
def test_leader_cannot_edit_a_submitted_or_approved_milestone_report(w, status):
    assert can_edit_milestone_report(w.owner, report(w, Status.DRAFT))
    assert not can_edit_milestone_report(w.owner, report(w, status))


@pytest.mark.parametrize("status", EDITABLE)
def test_leaders_of_both_municipalities_edit_the_joint_projects_milestone_report(w, status):
    joint_report = report(w, status, project=w.joint)
    assert can_edit_milestone_report(w.owner, joint_report)
    assert can_edit_milestone_report(w.other, joint_report)
    assert not can_edit_milestone_report(w.outsider, joint_report)


def test_responsible_person_edits_the_draft_milestone_report(w):
    draft = report(w, agreement=w.agreement, responsible=w.partner)
    assert can_edit_milestone_report(w.partner, draft)
    assert not can_edit_milestone_report(w.partner, report(w))


@pytest.mark.parametrize("status", LOCKED)
def test_responsible_person_cannot_edit_a_submitted_or_approved_milestone_report(w, status):
    assert can_edit_milestone_report(
        w.partner, report(w, responsible=w.partner, agreement=w.agreement)
    )
    locked = report(w, status, agreement=w.agreement, responsible=w.partner)
    assert not can_edit_milestone_report(w.partner, locked)


@pytest.mark.parametrize("who", ["follower", "superuser", "committee"])
def test_nobody_but_its_writers_edits_a_draft_milestone_report(w, who):
    draft = report(w)
    assert can_edit_milestone_report(w.owner, draft)
    assert not can_edit_milestone_report(getattr(w, who), draft)


def test_deactivated_leader_cannot_edit_his_draft_milestone_report(w):
    draft = report(w)
    assert can_edit_milestone_report(fresh(w.owner), draft)
    assert not can_edit_milestone_report(deactivated(w.owner), draft)


# can_review_milestone_report (who; the service refuses wrong states) ----------------


def test_adviser_following_the_programme_reviews_its_submitted_milestone_report(w):
    assert can_review_milestone_report(w.follower, report(w, Status.SUBMITTED))
    elsewhere = report(w, Status.SUBMITTED, agreement=w.elsewhere_milestone.agreement)
    assert not can_review_milestone_report(w.follower, elsewhere)


def test_adviser_following_the_programme_reviews_a_project_milestone_report(w):
    submitted = report(w, Status.SUBMITTED, project=w.joint)
    assert can_review_milestone_report(w.follower, submitted)
    assert not can_review_milestone_report(w.stranger, submitted)


def test_adviser_not_following_the_programme_cannot_review_its_milestone_report(w):
    submitted = report(w, Status.SUBMITTED)
    assert can_review_milestone_report(w.follower, submitted)
    assert not can_review_milestone_report(w.stranger, submitted)


def test_superuser_reviews_every_milestone_report(w):
    submitted = report(w, Status.SUBMITTED)
    elsewhere = report(w, Status.SUBMITTED, agreement=w.elsewhere_milestone.agreement)
    assert can_review_milestone_report(w.superuser, submitted)
    assert can_review_milestone_report(w.superuser, elsewhere)
    assert not can_review_milestone_report(w.stranger, submitted)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.APPROVED])
def test_can_review_milestone_report_decides_who_and_leaves_the_state_to_the_service(w, status):
    other_state = report(w, status)
    assert can_review_milestone_report(w.follower, other_state)
    assert not can_review_milestone_report(w.owner, other_state)


@pytest.mark.parametrize("who", ["owner", "other", "committee", "partner"])
def test_nobody_but_a_following_adviser_reviews_a_milestone_report(w, who):
    submitted = report(w, Status.SUBMITTED)
    assert can_review_milestone_report(w.follower, submitted)
    assert not can_review_milestone_report(getattr(w, who), submitted)


def test_responsible_writer_cannot_review_his_own_milestone_report(w):
    submitted = report(w, Status.SUBMITTED, agreement=w.agreement, responsible=w.partner)
    assert can_review_milestone_report(w.follower, submitted)
    assert not can_review_milestone_report(w.partner, submitted)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_review_a_milestone_report(w, who):
    submitted = report(w, Status.SUBMITTED)
    user = getattr(w, who)
    assert can_review_milestone_report(fresh(user), submitted)
    assert not can_review_milestone_report(deactivated(user), submitted)
