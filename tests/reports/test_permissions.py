"""Who orders PDF reports and marks them final, called directly.

Snåsa and Meråker have agreements in the programme; Tydal takes part only through
Meråker's joint project; Røros is in another programme. Every test holds a yes and a no
of its decision side by side.
"""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from reports.models import ReportOrder
from reports.permissions import can_mark_report_final, can_order_report, can_order_reports
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

Kind = ReportOrder.Kind
OrderStatus = ReportOrder.Status


def build_w():
    programme = ProgrammeFactory()
    elsewhere = ProgrammeFactory()
    snasa, meraker, tydal, roros = (MunicipalityFactory() for _ in range(4))
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    meraker_agreement = AgreementFactory(programme=programme, municipalities=[meraker])
    draft_agreement = AgreementFactory(programme=programme, municipalities=[snasa], draft=True)
    return SimpleNamespace(
        programme=programme,
        elsewhere=elsewhere,
        snasa=snasa,
        meraker=meraker,
        tydal=tydal,
        roros=roros,
        project=ProjectFactory(agreement=agreement),
        draft_project=ProjectFactory(agreement=agreement, draft=True),
        in_draft_agreement=ProjectFactory(agreement=draft_agreement),
        joint=ProjectFactory(agreement=meraker_agreement, municipalities=[meraker, tydal]),
        elsewhere_project=ProjectFactory(
            agreement=AgreementFactory(programme=elsewhere, municipalities=[roros])
        ),
        follower=following(programme),
        stranger=following(elsewhere),
        superuser=UserFactory(is_superuser=True),
        owner=leader(snasa),
        other=leader(meraker),
        tydal_leader=leader(tydal),
        outsider=leader(roros),
        committee=UserFactory(role=Role.COMMITTEE_READER),
        partner=UserFactory(role=Role.PARTNER),
    )


_built, w = built_once_per_module("w", build_w)


def programme_report(w, user, programme=None):
    return can_order_report(user, kind=Kind.PROGRAMME, programme=programme or w.programme)


def municipality_report(w, user, municipality, programme=None):
    return can_order_report(
        user, kind=Kind.MUNICIPALITY, programme=programme or w.programme, municipality=municipality
    )


def project_report(w, user, project, programme=None):
    return can_order_report(
        user, kind=Kind.PROJECT, programme=programme or project.agreement.programme, project=project
    )


def order(w, kind=Kind.PROGRAMME, status=OrderStatus.READY, is_final=False, programme=None):
    subject = {
        Kind.PROGRAMME: {},
        Kind.MUNICIPALITY: {"municipality": w.snasa},
        Kind.PROJECT: {"project": w.project},
    }[kind]
    return ReportOrder.objects.create(
        kind=kind,
        programme=programme or w.programme,
        status=status,
        is_final=is_final,
        ordered_by=w.follower,
        **subject,
    )


# can_order_reports -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["follower", "stranger", "superuser", "owner", "other"])
def test_advisers_and_project_leaders_order_reports(w, who):
    assert can_order_reports(getattr(w, who))
    assert not can_order_reports(w.committee)


@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_only_read_finished_reports(w, who):
    assert can_order_reports(w.owner)
    assert not can_order_reports(getattr(w, who))


def test_project_leader_without_a_municipality_orders_no_reports(w):
    assert can_order_reports(w.owner)
    assert not can_order_reports(UserFactory(role=Role.PROJECT_LEADER))


def test_user_without_a_role_orders_no_reports(w):
    assert can_order_reports(w.follower)
    assert not can_order_reports(UserFactory())


@pytest.mark.parametrize("who", ["follower", "superuser", "owner"])
def test_deactivated_user_orders_no_reports(w, who):
    user = getattr(w, who)
    assert can_order_reports(fresh(user))
    assert not can_order_reports(deactivated(user))


# can_order_report: advisers --------------------------------------------------------


def test_adviser_following_the_programme_orders_its_programme_report(w):
    assert programme_report(w, w.follower)
    assert not programme_report(w, w.follower, programme=w.elsewhere)


def test_adviser_following_the_programme_orders_a_municipality_report_on_a_participant(w):
    assert municipality_report(w, w.follower, w.snasa)
    assert municipality_report(w, w.follower, w.meraker)
    assert not municipality_report(w, w.follower, w.roros)


def test_municipality_taking_part_only_through_a_joint_project_has_a_municipality_report(w):
    assert municipality_report(w, w.follower, w.tydal)
    assert not municipality_report(w, w.follower, w.tydal, programme=w.elsewhere)
    assert not municipality_report(w, w.superuser, w.tydal, programme=w.elsewhere)


def test_municipality_outside_the_programme_has_no_municipality_report_there(w):
    assert municipality_report(w, w.superuser, w.roros, programme=w.elsewhere)
    assert not municipality_report(w, w.superuser, w.roros)


def test_adviser_following_the_programme_orders_a_report_on_its_published_project(w):
    assert project_report(w, w.follower, w.project)
    assert project_report(w, w.follower, w.joint)
    assert not project_report(w, w.follower, w.elsewhere_project)


def test_adviser_not_following_the_programme_orders_no_report_in_it(w):
    assert programme_report(w, w.stranger, programme=w.elsewhere)
    assert not programme_report(w, w.stranger)
    assert not municipality_report(w, w.stranger, w.snasa)
    assert not project_report(w, w.stranger, w.project)


def test_superuser_orders_every_kind_of_report_in_every_programme(w):
    assert programme_report(w, w.superuser)
    assert programme_report(w, w.superuser, programme=w.elsewhere)
    assert municipality_report(w, w.superuser, w.snasa)
    assert project_report(w, w.superuser, w.elsewhere_project)
    assert not programme_report(w, w.stranger)


def test_project_report_must_name_a_project_of_the_programme_ordered_for(w):
    assert project_report(w, w.superuser, w.elsewhere_project)
    assert not project_report(w, w.superuser, w.elsewhere_project, programme=w.programme)
    assert not project_report(w, w.superuser, w.project, programme=w.elsewhere)


def test_report_needs_its_subject(w):
    assert project_report(w, w.superuser, w.project)
    assert not can_order_report(w.superuser, kind=Kind.PROJECT, programme=w.programme)
    assert not can_order_report(w.superuser, kind=Kind.MUNICIPALITY, programme=w.programme)
    assert not can_order_report(w.superuser, kind=Kind.PROGRAMME, programme=None)
    assert not can_order_report(w.superuser, kind=Kind.PROJECT, programme=None, project=w.project)


def test_unknown_kind_of_report_is_never_ordered(w):
    assert programme_report(w, w.superuser)
    assert not can_order_report(w.superuser, kind="annual", programme=w.programme)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_orders_no_report(w, who):
    user = getattr(w, who)
    assert programme_report(w, fresh(user))
    assert not programme_report(w, deactivated(user))


# can_order_report: project leaders -------------------------------------------------


def test_leader_orders_a_project_report_on_his_published_project(w):
    assert project_report(w, w.owner, w.project)
    assert not project_report(w, w.owner, w.elsewhere_project)


def test_leaders_of_both_municipalities_order_the_joint_projects_report(w):
    assert project_report(w, w.other, w.joint)
    assert project_report(w, w.tydal_leader, w.joint)
    assert not project_report(w, w.owner, w.joint)


def test_leader_of_another_municipality_cannot_order_a_report_on_a_project_he_may_see(w):
    assert project_report(w, w.owner, w.project)
    assert not project_report(w, w.other, w.project)


@pytest.mark.parametrize("unpublished", ["draft_project", "in_draft_agreement"])
def test_leader_cannot_order_a_report_on_his_unpublished_project(w, unpublished):
    assert project_report(w, w.owner, w.project)
    assert not project_report(w, w.owner, getattr(w, unpublished))


def test_leader_cannot_order_a_municipality_report_even_on_his_own_municipality(w):
    assert municipality_report(w, w.follower, w.snasa)
    assert not municipality_report(w, w.owner, w.snasa)


def test_leader_cannot_order_a_programme_report(w):
    assert programme_report(w, w.follower)
    assert not programme_report(w, w.owner)


@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_order_no_report(w, who):
    user = getattr(w, who)
    assert project_report(w, w.owner, w.project)
    assert not programme_report(w, user)
    assert not municipality_report(w, user, w.snasa)
    assert not project_report(w, user, w.project)


def test_deactivated_leader_cannot_order_a_report_on_his_project(w):
    assert project_report(w, fresh(w.owner), w.project)
    assert not project_report(w, deactivated(w.owner), w.project)


# can_mark_report_final -------------------------------------------------------------


def test_adviser_following_the_programme_marks_its_ready_programme_report_final(w):
    assert can_mark_report_final(w.follower, order(w))
    assert not can_mark_report_final(w.follower, order(w, programme=w.elsewhere))


def test_adviser_not_following_the_programme_cannot_mark_its_report_final(w):
    ready = order(w)
    assert can_mark_report_final(w.follower, ready)
    assert not can_mark_report_final(w.stranger, ready)


def test_superuser_marks_every_ready_programme_report_final(w):
    assert can_mark_report_final(w.superuser, order(w))
    assert can_mark_report_final(w.superuser, order(w, programme=w.elsewhere))
    assert not can_mark_report_final(w.stranger, order(w))


@pytest.mark.parametrize("status", [OrderStatus.QUEUED, OrderStatus.RENDERING, OrderStatus.FAILED])
def test_report_not_ready_cannot_be_marked_final(w, status):
    assert can_mark_report_final(w.follower, order(w))
    assert not can_mark_report_final(w.follower, order(w, status=status))


@pytest.mark.parametrize("kind", [Kind.MUNICIPALITY, Kind.PROJECT])
def test_only_a_programme_report_is_marked_final(w, kind):
    assert can_mark_report_final(w.follower, order(w))
    assert not can_mark_report_final(w.follower, order(w, kind=kind))
    assert not can_mark_report_final(w.superuser, order(w, kind=kind))


def test_final_report_is_never_marked_final_again(w):
    assert can_mark_report_final(w.follower, order(w))
    assert not can_mark_report_final(w.follower, order(w, is_final=True))
    assert not can_mark_report_final(w.superuser, order(w, is_final=True))


@pytest.mark.parametrize("who", ["owner", "committee", "partner"])
def test_nobody_but_a_following_adviser_marks_a_report_final(w, who):
    ready = order(w)
    assert can_mark_report_final(w.follower, ready)
    assert not can_mark_report_final(getattr(w, who), ready)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_mark_a_report_final(w, who):
    ready = order(w)
    user = getattr(w, who)
    assert can_mark_report_final(fresh(user), ready)
    assert not can_mark_report_final(deactivated(user), ready)
