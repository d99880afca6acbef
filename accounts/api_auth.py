"""API authentication: django-rest-knox's hashed keys (accounts.ApiToken), keeping when
each key was last used."""

import datetime

from django.utils import timezone
from knox.auth import TokenAuthentication

# A key used all day is written once a minute, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            # update(): a use is not a change, and must not race an adviser's revoke.
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
