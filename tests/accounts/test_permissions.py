"""Who is who, called directly: the role checks every app's permissions build on, the one
«this adviser follows this programme» decision, and who manages users.

Every test holds a yes and a no of its decision side by side, so that neither an
always-True nor an always-False decision passes it.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import (
    adviser_programme_ids,
    can_edit_user,
    can_manage_users,
    follows_programme,
    is_reader_role,
    leader_municipality_ids,
    user_is_active,
)
from agreements.permissions import can_edit_agreement
from evaluations.models import Milestone
from evaluations.permissions import can_manage_milestone
from projects.models import ProgressReport
from projects.permissions import can_review_report
from reports.models import ReportOrder
from reports.permissions import can_mark_report_final
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

pytestmark = pytest.mark.django_db
D = datetime.date


def superuser():
    return UserFactory(is_superuser=True)


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def other_programme():
    return ProgrammeFactory()


# user_is_active --------------------------------------------------------------------


def test_signed_in_user_is_active_until_deactivated():
    user = UserFactory(role=Role.PROJECT_LEADER)
    assert user_is_active(fresh(user))
    assert not user_is_active(deactivated(user))


def test_anonymous_user_is_not_active():
    assert user_is_active(UserFactory())
    assert not user_is_active(AnonymousUser())


# is_reader_role --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMITTEE_READER, Role.PARTNER])
def test_committee_reader_and_partner_have_a_reader_role(role):
    assert is_reader_role(UserFactory(role=role))
    assert not is_reader_role(UserFactory())


@pytest.mark.parametrize("role", [Role.ADVISER, Role.PROJECT_LEADER])
def test_adviser_and_project_leader_have_no_reader_role(role):
    assert is_reader_role(UserFactory(role=Role.COMMITTEE_READER))
    assert not is_reader_role(UserFactory(role=role))


def test_superuser_has_no_reader_role():
    assert is_reader_role(UserFactory(role=Role.PARTNER))
    assert not is_reader_role(superuser())


@pytest.mark.parametrize("role", [Role.COMMITTEE_READER, Role.PARTNER])
def test_deactivated_reader_has_no_reader_role(role):
    reader = UserFactory(role=role)
    assert is_reader_role(fresh(reader))
    assert not is_reader_role(deactivated(reader))


# leader_municipality_ids -----------------------------------------------------------


def test_leader_municipality_ids_are_the_project_leaders_own_municipalities():
    snasa, meraker = MunicipalityFactory(), MunicipalityFactory()
    MunicipalityFactory()  # a third one he does not lead
    user = UserFactory(role=Role.PROJECT_LEADER, municipalities=[snasa, meraker])
    assert sorted(leader_municipality_ids(user)) == sorted([snasa.pk, meraker.pk])


def test_adviser_with_municipalities_leads_none_of_them():
    snasa = MunicipalityFactory()
    assert leader_municipality_ids(leader(snasa)) == [snasa.pk]
    assert leader_municipality_ids(adviser(municipalities=[snasa])) == []


@pytest.mark.parametrize("role", [Role.COMMITTEE_READER, Role.PARTNER])
def test_reader_with_municipalities_leads_none_of_them(role):
    snasa = MunicipalityFactory()
    assert leader_municipality_ids(leader(snasa)) == [snasa.pk]
    assert leader_municipality_ids(UserFactory(role=role, municipalities=[snasa])) == []


def test_deactivated_project_leader_leads_no_municipality():
    snasa = MunicipalityFactory()
    user = leader(snasa)
    assert leader_municipality_ids(fresh(user)) == [snasa.pk]
    assert leader_municipality_ids(deactivated(user)) == []


def test_roles_programmes_and_municipalities_are_read_in_one_query(
    programme, other_programme, django_assert_num_queries
):
    """Every page asks who the user is: one round trip answers the role, an adviser's
    programmes and a leader's municipalities together."""
    snasa, meraker = MunicipalityFactory(), MunicipalityFactory()
    both = UserFactory(role=Role.PROJECT_LEADER, municipalities=[snasa, meraker])
    both.programmes.add(programme, other_programme)
    both = fresh(both)
    with django_assert_num_queries(1):
        assert both.role_names == {Role.PROJECT_LEADER.value}
        assert leader_municipality_ids(both) == sorted([snasa.pk, meraker.pk])
        assert adviser_programme_ids(both) == sorted([programme.pk, other_programme.pk])
        assert both.is_project_leader and not both.is_adviser
    reader = fresh(UserFactory(role=Role.COMMITTEE_READER, municipalities=[snasa]))
    with django_assert_num_queries(1):
        assert reader.role_names == {Role.COMMITTEE_READER.value}
        assert leader_municipality_ids(reader) == []
        assert adviser_programme_ids(reader) == []


# adviser_programme_ids -------------------------------------------------------------


def test_adviser_programme_ids_are_the_programmes_he_follows(programme, other_programme):
    assert adviser_programme_ids(following(programme)) == [programme.pk]
    assert adviser_programme_ids(following(other_programme)) == [other_programme.pk]


def test_adviser_following_no_programme_has_no_programme_ids(programme):
    assert adviser_programme_ids(following(programme)) == [programme.pk]
    assert adviser_programme_ids(adviser()) == []


def test_superuser_programme_ids_are_none_meaning_every_programme(programme):
    assert adviser_programme_ids(following(programme)) == [programme.pk]
    assert adviser_programme_ids(superuser()) is None


def test_adviser_programme_ids_are_cached_on_the_user_object(programme, other_programme):
    user = following(programme)
    assert adviser_programme_ids(user) == [programme.pk]
    user.programmes.add(other_programme)
    assert adviser_programme_ids(user) == [programme.pk]
    assert user._adviser_programme_ids == [programme.pk]
    assert sorted(adviser_programme_ids(fresh(user))) == sorted([programme.pk, other_programme.pk])


# follows_programme -----------------------------------------------------------------


def test_adviser_following_the_programme_follows_it(programme, other_programme):
    user = following(programme)
    assert follows_programme(user, programme.pk)
    assert not follows_programme(user, other_programme.pk)


def test_adviser_not_following_the_programme_does_not_follow_it(programme, other_programme):
    assert follows_programme(following(programme), programme.pk)
    assert not follows_programme(following(other_programme), programme.pk)


def test_superuser_follows_every_programme_without_a_list(programme, other_programme):
    operations = superuser()
    assert follows_programme(operations, programme.pk)
    assert follows_programme(operations, other_programme.pk)
    assert not follows_programme(adviser(), programme.pk)


def test_deactivated_adviser_no_longer_follows_his_programme(programme):
    user = following(programme)
    assert follows_programme(user, programme.pk)
    assert not follows_programme(deactivated(user), programme.pk)


def test_deactivated_superuser_follows_no_programme(programme):
    operations = superuser()
    assert follows_programme(fresh(operations), programme.pk)
    assert not follows_programme(deactivated(operations), programme.pk)


@pytest.mark.parametrize("role", [Role.PROJECT_LEADER, Role.COMMITTEE_READER, Role.PARTNER, None])
def test_only_an_adviser_follows_the_programmes_on_his_list(programme, role):
    """A followed programme on the account of someone without the adviser role counts
    for nothing."""
    assert follows_programme(following(programme), programme.pk)
    user = UserFactory(role=role, municipalities=[MunicipalityFactory()])
    user.programmes.add(programme)
    assert not follows_programme(fresh(user), programme.pk)


# follows_programme is the one decision behind the advisers' powers ------------------


@pytest.fixture
def follower_world(programme):
    """One object of each kind whose decision is «does the user follow the programme»."""
    agreement = AgreementFactory(programme=programme)
    project = ProjectFactory(agreement=agreement)
    report = ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date,
        status=ProgressReport.Status.SUBMITTED,
    )
    milestone = Milestone.objects.create(
        agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT, due_date=D(2024, 6, 1)
    )
    order = ReportOrder.objects.create(
        kind=ReportOrder.Kind.PROGRAMME, programme=programme, status=ReportOrder.Status.READY
    )
    return agreement, report, milestone, order


def follower_powers(user, world) -> list[bool]:
    agreement, report, milestone, order = world
    return [
        can_edit_agreement(user, agreement),
        can_review_report(user, report),
        can_manage_milestone(user, milestone),
        can_mark_report_final(user, order),
    ]


def test_adviser_who_starts_following_the_programme_gains_every_follower_power(
    programme, other_programme, follower_world
):
    user = following(other_programme)
    assert follower_powers(user, follower_world) == [False] * 4
    user.programmes.add(programme)
    assert follower_powers(fresh(user), follower_world) == [True] * 4


def test_adviser_who_stops_following_the_programme_loses_every_follower_power(
    programme, follower_world
):
    user = following(programme)
    assert follower_powers(user, follower_world) == [True] * 4
    user.programmes.remove(programme)
    assert follower_powers(fresh(user), follower_world) == [False] * 4


def test_follower_powers_agree_with_follows_programme_for_every_kind_of_user(
    programme, other_programme, follower_world
):
    snasa = follower_world[0].municipalities.get()
    users = [
        following(programme),
        following(other_programme),
        superuser(),
        deactivated(following(programme)),
        deactivated(superuser()),
        leader(snasa),
        UserFactory(role=Role.COMMITTEE_READER),
        UserFactory(role=Role.PARTNER),
    ]
    decisions = [follows_programme(user, programme.pk) for user in users]
    assert decisions == [True, False, True, False, False, False, False, False]
    for user, follows in zip(users, decisions, strict=True):
        assert follower_powers(user, follower_world) == [follows] * 4, user


# can_manage_users ------------------------------------------------------------------


def test_adviser_manages_users():
    assert can_manage_users(adviser())
    assert not can_manage_users(UserFactory(role=Role.PROJECT_LEADER))


def test_superuser_manages_users():
    assert can_manage_users(superuser())
    assert not can_manage_users(UserFactory())


@pytest.mark.parametrize("role", [Role.PROJECT_LEADER, Role.COMMITTEE_READER, Role.PARTNER])
def test_nobody_but_an_adviser_manages_users(role):
    assert can_manage_users(adviser())
    assert not can_manage_users(UserFactory(role=role))


def test_deactivated_adviser_no_longer_manages_users():
    user = adviser()
    assert can_manage_users(fresh(user))
    assert not can_manage_users(deactivated(user))


def test_anonymous_user_does_not_manage_users():
    assert can_manage_users(adviser())
    assert not can_manage_users(AnonymousUser())


# can_edit_user ---------------------------------------------------------------------


def test_adviser_edits_another_user():
    target = leader(MunicipalityFactory())
    assert can_edit_user(adviser(), target)
    assert not can_edit_user(UserFactory(role=Role.PROJECT_LEADER), target)


def test_adviser_edits_another_adviser_but_not_himself():
    user, colleague = adviser(), adviser()
    assert can_edit_user(user, colleague)
    assert not can_edit_user(user, user)
    assert not can_edit_user(user, fresh(user))


def test_adviser_does_not_edit_a_superuser():
    user = adviser()
    assert can_edit_user(user, adviser())
    assert not can_edit_user(user, superuser())


def test_superuser_edits_an_adviser():
    operations = superuser()
    assert can_edit_user(operations, adviser())
    assert not can_edit_user(operations, operations)


@pytest.mark.parametrize("role", [Role.PROJECT_LEADER, Role.COMMITTEE_READER, Role.PARTNER])
def test_nobody_but_an_adviser_edits_another_user(role):
    target = UserFactory(role=Role.PARTNER)
    assert can_edit_user(adviser(), target)
    assert not can_edit_user(UserFactory(role=role), target)


def test_deactivated_adviser_no_longer_edits_other_users():
    user, target = adviser(), leader(MunicipalityFactory())
    assert can_edit_user(fresh(user), target)
    assert not can_edit_user(deactivated(user), target)
