"""Object permissions for programmes and agreements: one function per decision.

Who may see a programme or an agreement is its queryset's `visible_to`
(agreements/models.py).
"""

from accounts.permissions import follows_programme, user_is_active
from agreements.models import Agreement


def can_view_agreement(user, agreement) -> bool:
    return Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists()


def can_edit_agreement(user, agreement) -> bool:
    """Only county advisers following the programme set up and change agreements."""
    return follows_programme(user, agreement.programme_id)


def can_view_signed_document(user, agreement) -> bool:
    """The signed agreement is read by whoever may read the agreement."""
    return bool(agreement.signed_document) and can_view_agreement(user, agreement)


def can_create_programme(user) -> bool:
    """County advisers set up new programmes (and follow those they set up)."""
    return user_is_active(user) and user.is_adviser


def can_edit_programme(user, programme) -> bool:
    """Advisers following the programme change its set-up and copy it."""
    return follows_programme(user, programme.pk)


def can_create_agreement(user, programme) -> bool:
    """Advisers following the programme make its agreements."""
    return follows_programme(user, programme.pk)


def can_change_agreement_terms(user, agreement) -> bool:
    """Advisers following the programme change a draft agreement's terms and register it
    as signed; once signed, only an addendum changes them."""
    return agreement.is_draft and can_edit_agreement(user, agreement)


def can_amend_agreement(user, agreement) -> bool:
    """Advisers following the programme record addenda to a signed or active agreement,
    and terminate it."""
    return agreement.status in (
        agreement.Status.SIGNED,
        agreement.Status.ACTIVE,
    ) and can_edit_agreement(user, agreement)
