"""Who sees and changes an agreement and its signed document, called directly.

The agreements belong to Snåsa, in a programme Meråker takes part in too; Tydal is in
another programme. Every test holds a yes and a no of its decision side by side.
"""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile

from accounts.models import Role
from agreements.permissions import (
    can_create_programme,
    can_edit_agreement,
    can_edit_programme,
    can_view_agreement,
    can_view_signed_document,
)
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    UserFactory,
    deactivated,
    following,
    fresh,
    leader,
)
from tests.module_world import built_once_per_module

pytestmark = pytest.mark.django_db


def signed(agreement, name="avtale.pdf"):
    agreement.signed_document.save(name, ContentFile(b"%PDF-1.4 signed"))
    return agreement


def build_w():
    programme = ProgrammeFactory(shared_with_partners=True)
    unshared = ProgrammeFactory(shared_with_partners=False)
    elsewhere = ProgrammeFactory()
    snasa, meraker, tydal = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    AgreementFactory(programme=programme, municipalities=[meraker])
    AgreementFactory(programme=elsewhere, municipalities=[tydal])
    return SimpleNamespace(
        programme=programme,
        elsewhere=elsewhere,
        agreement=signed(AgreementFactory(programme=programme, municipalities=[snasa])),
        draft=signed(
            AgreementFactory(programme=programme, municipalities=[snasa], draft=True), "utkast.pdf"
        ),
        unsigned=AgreementFactory(programme=programme, municipalities=[snasa]),
        unshared=AgreementFactory(programme=unshared, municipalities=[snasa]),
        joint=AgreementFactory(programme=programme, municipalities=[meraker, snasa]),
        elsewhere_agreement=AgreementFactory(programme=elsewhere, municipalities=[tydal]),
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


# can_view_agreement ----------------------------------------------------------------


def test_adviser_following_the_programme_views_its_agreements_drafts_too(w):
    assert can_view_agreement(w.follower, w.agreement)
    assert can_view_agreement(w.follower, w.draft)
    assert not can_view_agreement(w.follower, w.elsewhere_agreement)


def test_adviser_not_following_the_programme_cannot_view_its_agreement(w):
    assert can_view_agreement(w.stranger, w.elsewhere_agreement)
    assert not can_view_agreement(w.stranger, w.agreement)
    assert not can_view_agreement(w.stranger, w.draft)


def test_superuser_views_every_agreement_drafts_too(w):
    for agreement in (w.agreement, w.draft, w.elsewhere_agreement):
        assert can_view_agreement(w.superuser, agreement)
    assert not can_view_agreement(w.stranger, w.draft)


def test_leader_views_his_municipalitys_agreement_drafts_too(w):
    assert can_view_agreement(w.owner, w.agreement)
    assert can_view_agreement(w.owner, w.draft)
    assert not can_view_agreement(w.outsider, w.agreement)


def test_leader_of_another_municipality_in_the_programme_views_its_published_agreement(w):
    assert can_view_agreement(w.other, w.agreement)
    assert not can_view_agreement(w.outsider, w.agreement)


def test_leader_of_another_municipality_cannot_view_a_draft_agreement(w):
    assert can_view_agreement(w.owner, w.draft)
    assert not can_view_agreement(w.other, w.draft)


def test_leader_of_either_municipality_views_a_joint_agreement(w):
    assert can_view_agreement(w.owner, w.joint)
    assert can_view_agreement(w.other, w.joint)
    assert not can_view_agreement(w.outsider, w.joint)


def test_leader_outside_the_programme_cannot_view_its_agreement(w):
    assert can_view_agreement(w.outsider, w.elsewhere_agreement)
    assert not can_view_agreement(w.outsider, w.agreement)


def test_committee_reader_views_a_published_agreement_but_not_a_draft(w):
    assert can_view_agreement(w.committee, w.agreement)
    assert can_view_agreement(w.committee, w.unshared)
    assert not can_view_agreement(w.committee, w.draft)


def test_partner_views_a_published_agreement_of_a_programme_shared_with_partners(w):
    assert can_view_agreement(w.partner, w.agreement)
    assert not can_view_agreement(w.partner, w.draft)


def test_partner_cannot_view_an_agreement_of_a_programme_not_shared_with_partners(w):
    assert can_view_agreement(w.committee, w.unshared)
    assert not can_view_agreement(w.partner, w.unshared)


def test_user_without_a_role_views_no_agreement(w):
    nobody = UserFactory()
    assert can_view_agreement(w.committee, w.agreement)
    assert not can_view_agreement(nobody, w.agreement)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner", "other", "committee", "partner"])
def test_deactivated_user_views_no_agreement(w, who):
    user = getattr(w, who)
    assert can_view_agreement(fresh(user), w.agreement)
    assert not can_view_agreement(deactivated(user), w.agreement)


# can_edit_agreement ----------------------------------------------------------------


def test_adviser_following_the_programme_edits_its_agreements_drafts_too(w):
    assert can_edit_agreement(w.follower, w.agreement)
    assert can_edit_agreement(w.follower, w.draft)
    assert not can_edit_agreement(w.follower, w.elsewhere_agreement)


def test_adviser_not_following_the_programme_cannot_edit_its_agreement(w):
    assert can_edit_agreement(w.follower, w.agreement)
    assert not can_edit_agreement(w.stranger, w.agreement)


def test_superuser_edits_every_agreement(w):
    assert can_edit_agreement(w.superuser, w.agreement)
    assert can_edit_agreement(w.superuser, w.elsewhere_agreement)
    assert not can_edit_agreement(w.stranger, w.agreement)


def test_leader_of_the_municipality_cannot_edit_its_agreement(w):
    assert can_edit_agreement(w.follower, w.draft)
    assert not can_edit_agreement(w.owner, w.agreement)
    assert not can_edit_agreement(w.owner, w.draft)


@pytest.mark.parametrize("who", ["committee", "partner"])
def test_committee_reader_and_partner_cannot_edit_an_agreement(w, who):
    assert can_edit_agreement(w.follower, w.agreement)
    assert not can_edit_agreement(getattr(w, who), w.agreement)


@pytest.mark.parametrize("who", ["follower", "superuser"])
def test_deactivated_adviser_cannot_edit_the_agreement_he_could_edit(w, who):
    user = getattr(w, who)
    assert can_edit_agreement(fresh(user), w.agreement)
    assert not can_edit_agreement(deactivated(user), w.agreement)


# can_view_signed_document ----------------------------------------------------------


def test_whoever_views_a_published_agreement_views_its_signed_document(w):
    for user in (w.follower, w.superuser, w.owner, w.other, w.committee, w.partner):
        assert can_view_signed_document(user, w.agreement), user
    assert not can_view_signed_document(w.stranger, w.agreement)
    assert not can_view_signed_document(w.outsider, w.agreement)


def test_signed_document_of_a_draft_agreement_is_read_only_by_those_who_see_the_draft(w):
    assert can_view_signed_document(w.follower, w.draft)
    assert can_view_signed_document(w.owner, w.draft)
    assert not can_view_signed_document(w.other, w.draft)
    assert not can_view_signed_document(w.committee, w.draft)
    assert not can_view_signed_document(w.partner, w.draft)


def test_agreement_without_a_signed_document_has_none_to_view(w):
    assert can_view_agreement(w.follower, w.unsigned)
    assert can_view_signed_document(w.follower, w.agreement)
    assert not can_view_signed_document(w.follower, w.unsigned)
    assert not can_view_signed_document(w.superuser, w.unsigned)


def test_adviser_not_following_the_programme_cannot_view_its_signed_document(w):
    assert can_view_signed_document(w.follower, w.agreement)
    assert not can_view_signed_document(w.stranger, w.agreement)


@pytest.mark.parametrize("who", ["follower", "superuser", "owner", "committee"])
def test_deactivated_user_views_no_signed_document(w, who):
    user = getattr(w, who)
    assert can_view_signed_document(fresh(user), w.agreement)
    assert not can_view_signed_document(deactivated(user), w.agreement)


# can_create_programme, can_edit_programme ------------------------------------------


def test_any_active_adviser_may_set_up_a_new_programme(w):
    assert can_create_programme(w.follower)
    assert can_create_programme(w.stranger)
    assert can_create_programme(w.superuser)


@pytest.mark.parametrize("who", ["owner", "committee", "partner"])
def test_nobody_but_advisers_sets_up_a_programme(w, who):
    assert not can_create_programme(getattr(w, who))


def test_deactivated_adviser_cannot_set_up_a_programme(w):
    assert not can_create_programme(deactivated(w.follower))


def test_only_an_adviser_following_the_programme_changes_its_set_up(w):
    assert can_edit_programme(w.follower, w.programme)
    assert not can_edit_programme(w.follower, w.elsewhere)
    assert can_edit_programme(w.stranger, w.elsewhere)
    assert not can_edit_programme(w.stranger, w.programme)
    assert can_edit_programme(w.superuser, w.programme)


@pytest.mark.parametrize("who", ["owner", "committee", "partner"])
def test_readers_and_leaders_cannot_change_a_programmes_set_up(w, who):
    assert not can_edit_programme(getattr(w, who), w.programme)
