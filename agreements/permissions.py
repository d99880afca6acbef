"""Object permissions for programmes and agreements: one function per decision.

Who may see a programme or an agreement is its queryset's `visible_to`
(agreements/models.py).
"""

from accounts.permissions import follows_programme
from agreements.models import Agreement


def can_view_agreement(user, agreement) -> bool:
    return Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists()


def can_edit_agreement(user, agreement) -> bool:
    """Only county advisers following the programme set up and change agreements."""
    return follows_programme(user, agreement.programme_id)


def can_view_signed_document(user, agreement) -> bool:
    """The signed agreement is read by whoever may read the agreement."""
    return bool(agreement.signed_document) and can_view_agreement(user, agreement)
