"""Object permissions for programmes and agreements: one function per decision."""

from django.db.models import Q

from accounts.permissions import is_reader_role, leader_municipality_ids


def scope_agreements(queryset, user):
    """Advisers see all; leaders their own and others' non-drafts in their programmes;
    readers and partners every non-draft agreement."""
    from agreements.models import Agreement

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        return queryset
    published = ~Q(status=Agreement.Status.DRAFT)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Agreement.objects.filter(municipalities__in=own_ids)
        return queryset.filter(
            Q(pk__in=own.values("pk"))
            | (published & Q(programme__in=own.values("programme")))
        )
    if is_reader_role(user):
        return queryset.filter(published)
    return queryset.none()


def can_view_agreement(user, agreement) -> bool:
    from agreements.models import Agreement

    return scope_agreements(Agreement.objects.filter(pk=agreement.pk), user).exists()


def can_edit_agreement(user, agreement) -> bool:
    """Only county advisers set up and change agreements."""
    return user.is_authenticated and user.is_adviser


def can_view_signed_document(user, agreement) -> bool:
    return bool(agreement.signed_document) and can_view_agreement(user, agreement)
