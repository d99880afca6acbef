"""Object permissions for programmes and agreements: one function per decision."""

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import adviser_programme_ids, is_reader_role, leader_municipality_ids


def scope_programmes(queryset, user):
    """Advisers see the programmes they follow; leaders those their municipalities take
    part in; committee readers all; partners those shared with partners."""
    from agreements.models import Agreement

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return queryset if ids is None else queryset.filter(pk__in=ids)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        return queryset.filter(
            pk__in=Agreement.objects.filter(municipalities__in=own_ids).values("programme")
        )
    if user.has_role(Role.COMMITTEE_READER):
        return queryset
    if user.has_role(Role.PARTNER):
        return queryset.filter(shared_with_partners=True)
    return queryset.none()


def scope_agreements(queryset, user):
    """Advisers see all agreements of their programmes; leaders their own and the others'
    non-drafts in their programmes; readers and partners the non-drafts of the
    programmes they may see."""
    from agreements.models import Agreement, Programme

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    programmes = scope_programmes(Programme.objects.all(), user).values("pk")
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return queryset if ids is None else queryset.filter(programme__in=ids)
    published = ~Q(status=Agreement.Status.DRAFT)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Agreement.objects.filter(municipalities__in=own_ids).values("pk")
        return queryset.filter(Q(pk__in=own) | (published & Q(programme__in=programmes)))
    if is_reader_role(user):
        return queryset.filter(published & Q(programme__in=programmes))
    return queryset.none()


def can_view_agreement(user, agreement) -> bool:
    from agreements.models import Agreement

    return scope_agreements(Agreement.objects.filter(pk=agreement.pk), user).exists()


def can_edit_agreement(user, agreement) -> bool:
    """Only county advisers following the programme set up and change agreements."""
    if not user.is_authenticated or not user.is_adviser:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or agreement.programme_id in ids


def can_view_signed_document(user, agreement) -> bool:
    """The signed agreement is read by whoever may read the agreement."""
    return bool(agreement.signed_document) and can_view_agreement(user, agreement)
