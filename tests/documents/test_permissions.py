"""Who sees, attaches and removes documents, called directly.

Documents hang on Snåsa's projects, agreements, status reports and milestone reports, in
a programme Meråker takes part in too; Tydal is in another programme. Every test holds a
yes and a no of its decision side by side.
"""

import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from documents.permissions import can_attach_document, can_delete_document, can_view_document
from evaluations.models import Milestone, MilestoneReport
from projects.models import ProgressReport
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
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

Status = ProgressReport.Status
EDITABLE = [Status.DRAFT, Status.RETURNED]
LOCKED = [Status.SUBMITTED, Status.APPROVED]
NOT_APPROVED = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED]
REPORT_KINDS = ["progress_report", "milestone_report"]


def progress_report(project, status=Status.DRAFT):
    return ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date,
        status=status,
    )


def milestone_report(agreement, status=Status.DRAFT):
    milestone = Milestone.objects.create(
        agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT, due_date=D(2024, 6, 1)
    )
    return MilestoneReport.objects.create(milestone=milestone, status=status)


def a_report(w, kind, status=Status.DRAFT):
    """A status report on Snåsa's project or a milestone report on Snåsa's agreement."""
    if kind == "progress_report":
        return progress_report(w.project, status)
    return milestone_report(w.agreement, status)


def document(parent, uploaded_by=None):
    """A document attached to `parent`, whatever kind of parent it is."""
    field = {
        "Project": "project",
        "Agreement": "agreement",
        "ProgressReport": "progress_report",
        "MilestoneReport": "milestone_report",
    }[type(parent).__name__]
    return DocumentFactory(
        **{"project": None, field: parent}, uploaded_by=uploaded_by or UserFactory()
    )


def build_w():
    programme = ProgrammeFactory(shared_with_partners=True)
    elsewhere = ProgrammeFactory()
    snasa, meraker, tydal = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    meraker_agreement = AgreementFactory(programme=programme, municipalities=[meraker])
    elsewhere_agreement = AgreementFactory(programme=elsewhere, municipalities=[tydal])
    return SimpleNamespace(
        programme=programme,
        agreement=agreement,
        draft_agreement=AgreementFactory(programme=programme, municipalities=[snasa], draft=True),
        meraker_agreement=meraker_agreement,
        project=ProjectFactory(agreement=agreement),
        draft_project=ProjectFactory(agreement=agreement, draft=True),
        joint=ProjectFactory(agreement=meraker_agreement, municipalities=[meraker, snasa]),
        elsewhere_project=ProjectFactory(agreement=elsewhere_agreement),
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


# can_view_document -----------------------------------------------------------------


def test_everyone_who_sees_a_published_project_sees_its_documents(w):
    attached = document(w.project)
    for who in ("follower", "superuser", "owner", "other", "committee", "partner"):
        assert can_view_document(getattr(w, who), attached), who
    assert not can_view_document(w.stranger, attached)
    assert not can_view_document(w.outsider, attached)


def test_document_on_a_draft_project_is_seen_only_by_its_leaders_and_advisers(w):
    attached = document(w.draft_project)
    assert can_view_document(w.owner, attached)
    assert can_view_document(w.follower, attached)
    for who in ("other", "committee", "partner", "stranger"):
        assert not can_view_document(getattr(w, who), attached), who


def test_document_on_an_agreement_is_seen_by_whoever_sees_the_agreement(w):
    attached = document(w.agreement)
    assert can_view_document(w.committee, attached)
    assert can_view_document(w.other, attached)
    assert not can_view_document(w.outsider, attached)
    assert not can_view_document(w.stranger, attached)


def test_document_on_a_draft_agreement_is_hidden_from_other_municipalities_and_readers(w):
    attached = document(w.draft_agreement)
    assert can_view_document(w.owner, attached)
    assert can_view_document(w.follower, attached)
    assert not can_view_document(w.other, attached)
    assert not can_view_document(w.committee, attached)


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("status", NOT_APPROVED)
def test_document_on_a_report_not_yet_approved_is_seen_by_its_writers_and_advisers(w, kind, status):
    attached = document(a_report(w, kind, status))
    assert can_view_document(w.owner, attached)
    assert can_view_document(w.follower, attached)
    for who in ("other", "committee", "partner", "stranger"):
        assert not can_view_document(getattr(w, who), attached), who


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_document_on_an_approved_report_is_seen_by_readers_too(w, kind):
    attached = document(a_report(w, kind, Status.APPROVED))
    assert can_view_document(w.committee, attached)
    assert can_view_document(w.other, attached)
    assert not can_view_document(w.outsider, attached)
    assert not can_view_document(w.stranger, attached)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner", "other", "committee", "partner"])
def test_deactivated_user_sees_no_document(w, who):
    attached = document(w.project)
    user = getattr(w, who)
    assert can_view_document(fresh(user), attached)
    assert not can_view_document(deactivated(user), attached)


# can_attach_document ---------------------------------------------------------------


def test_project_editors_attach_to_the_project_drafts_too(w):
    for who in ("follower", "superuser", "owner"):
        assert can_attach_document(getattr(w, who), w.project), who
        assert can_attach_document(getattr(w, who), w.draft_project), who
    assert not can_attach_document(w.owner, w.elsewhere_project)


@pytest.mark.parametrize("who", ["other", "outsider", "stranger", "committee", "partner"])
def test_nobody_but_the_projects_editors_attaches_to_it(w, who):
    assert can_attach_document(w.owner, w.project)
    assert not can_attach_document(getattr(w, who), w.project)


def test_leaders_of_both_municipalities_attach_to_the_joint_project(w):
    assert can_attach_document(w.owner, w.joint)
    assert can_attach_document(w.other, w.joint)
    assert not can_attach_document(w.outsider, w.joint)


def test_adviser_following_the_programme_attaches_to_its_agreement(w):
    assert can_attach_document(w.follower, w.agreement)
    assert can_attach_document(w.follower, w.draft_agreement)
    assert can_attach_document(w.superuser, w.agreement)
    assert not can_attach_document(w.stranger, w.agreement)


@pytest.mark.parametrize("who", ["owner", "other", "committee", "partner"])
def test_nobody_but_an_adviser_attaches_to_an_agreement(w, who):
    """A leader of the agreement's municipality attaches to its projects, not to it."""
    assert can_attach_document(w.follower, w.agreement)
    assert not can_attach_document(getattr(w, who), w.agreement)


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("status", EDITABLE)
def test_leader_attaches_to_his_draft_or_returned_report(w, kind, status):
    editable = a_report(w, kind, status)
    assert can_attach_document(w.owner, editable)
    assert not can_attach_document(w.other, editable)


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("status", LOCKED)
def test_leader_cannot_attach_to_a_submitted_or_approved_report(w, kind, status):
    assert can_attach_document(w.owner, a_report(w, kind, Status.DRAFT))
    assert not can_attach_document(w.owner, a_report(w, kind, status))


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("who", ["follower", "superuser", "committee", "partner"])
def test_nobody_but_its_writers_attaches_to_a_draft_report(w, kind, who):
    draft = a_report(w, kind)
    assert can_attach_document(w.owner, draft)
    assert not can_attach_document(getattr(w, who), draft)


@pytest.mark.parametrize(
    "parent",
    [
        lambda w: w.programme,
        lambda w: Milestone.objects.create(
            agreement=w.agreement, kind=Milestone.Kind.OTHER, due_date=D(2024, 6, 1)
        ),
        lambda w: w.project.municipalities.get(),
    ],
    ids=["programme", "milestone", "municipality"],
)
def test_nothing_is_attached_to_a_parent_that_takes_no_documents(w, parent):
    assert can_attach_document(w.superuser, w.project)
    assert not can_attach_document(w.superuser, parent(w))


@pytest.mark.parametrize(
    "who, parent",
    [
        ("owner", lambda w: w.project),
        ("follower", lambda w: w.project),
        ("follower", lambda w: w.agreement),
        ("superuser", lambda w: w.agreement),
        ("owner", lambda w: progress_report(w.project)),
        ("owner", lambda w: milestone_report(w.agreement)),
    ],
    ids=[
        "leader-project",
        "adviser-project",
        "adviser-agreement",
        "superuser-agreement",
        "leader-progress-report",
        "leader-milestone-report",
    ],
)
def test_deactivated_user_attaches_nothing(w, who, parent):
    target = parent(w)
    user = getattr(w, who)
    assert can_attach_document(fresh(user), target)
    assert not can_attach_document(deactivated(user), target)


# can_delete_document ---------------------------------------------------------------


def test_project_editor_removes_a_document_someone_else_uploaded(w):
    attached = document(w.project, uploaded_by=w.follower)
    assert can_delete_document(w.owner, attached)
    assert can_delete_document(w.follower, attached)
    assert not can_delete_document(w.other, attached)


def test_uploader_who_no_longer_edits_the_project_cannot_remove_his_document(w):
    attached = document(w.project, uploaded_by=w.committee)
    assert can_delete_document(w.owner, attached)
    assert not can_delete_document(w.committee, attached)


def test_adviser_following_the_programme_removes_an_agreement_document(w):
    attached = document(w.agreement, uploaded_by=w.follower)
    assert can_delete_document(w.follower, attached)
    assert not can_delete_document(w.stranger, attached)
    assert not can_delete_document(w.owner, attached)


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("status", EDITABLE)
def test_leader_removes_a_document_from_his_draft_or_returned_report(w, kind, status):
    attached = document(a_report(w, kind, status), uploaded_by=w.owner)
    assert can_delete_document(w.owner, attached)
    assert not can_delete_document(w.follower, attached)


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("status", LOCKED)
def test_leader_cannot_remove_a_document_from_his_submitted_or_approved_report(w, kind, status):
    assert can_delete_document(w.owner, document(a_report(w, kind), uploaded_by=w.owner))
    locked = document(a_report(w, kind, status), uploaded_by=w.owner)
    assert not can_delete_document(w.owner, locked)


def test_deactivated_uploader_cannot_remove_his_document(w):
    attached = document(w.project, uploaded_by=w.owner)
    assert can_delete_document(fresh(w.owner), attached)
    assert not can_delete_document(deactivated(w.owner), attached)
