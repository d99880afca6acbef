"""Who changes a municipality's facts: one function per decision."""

from accounts.permissions import user_is_active


def can_edit_municipality(user) -> bool:
    """County advisers keep the municipalities' organisation and account numbers (what
    payouts are paid to); everyone else reads them."""
    return user_is_active(user) and user.is_adviser
