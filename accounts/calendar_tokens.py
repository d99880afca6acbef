"""The secret key in a user's calendar feed address (/kalender/<key>.ics).

The key is the only thing that guards the feed, so it is random, replaced as a whole and
never derived from the user. User keeps no history (deliberately), so a plain save does.
"""

import secrets

from accounts.models import User


def calendar_token_create(*, user: User) -> str:
    """Give the user a new feed key; the old feed address stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_token_revoke(*, user: User) -> None:
    """Turn the user's feed off: its address gives 404 from now on."""
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])
