"""Writes on users: invitations, roles, deactivation, system users and their API keys."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from accounts.models import SYSTEM_ROLES, ApiToken, Role, User, role_group


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time tokens for invitations. The token hashes the password, so it stops
    working the moment the invited user sets one; it expires after
    PASSWORD_RESET_TIMEOUT."""

    key_salt = "accounts.services.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_url(*, user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:invitation", args=[uid, token])


def _set_role(user: User, *, role: str, municipalities, programmes) -> None:
    user.groups.set([role_group(role)])
    user.municipalities.set(municipalities if role == Role.PROJECT_LEADER else [])
    user.programmes.set(programmes if role == Role.ADVISER else [])


@transaction.atomic
def user_invite(
    *,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    municipalities=(),
    programmes=(),
    base_url: str,
) -> User:
    """Create a user without a password and e-mail a one-time link to set one."""
    user = User(
        username=email.lower(),
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        invited_by=invited_by,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    _set_role(user, role=role, municipalities=municipalities, programmes=programmes)
    transaction.on_commit(lambda: invitation_send(user=user, base_url=base_url))
    return user


def invitation_send(*, user: User, base_url: str) -> None:
    """E-mail the invitation link, in bokmål."""
    with translation.override("nb"):
        context = {
            "user": user,
            "url": invitation_url(user=user, base_url=base_url),
            "invited_by": user.invited_by,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            "portal_name": settings.PORTAL_NAME,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def invitation_resend(*, user: User, invited_by: User, base_url: str) -> None:
    user.invited_by = invited_by
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_by", "invited_at"])
    transaction.on_commit(lambda: invitation_send(user=user, base_url=base_url))


@transaction.atomic
def user_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    municipalities,
    programmes,
) -> User:
    """Change a user's name, address, role and what the role covers."""
    user.first_name = first_name
    user.last_name = last_name
    user.email = email.lower()
    user.save(update_fields=["first_name", "last_name", "email"])
    _set_role(user, role=role, municipalities=municipalities, programmes=programmes)
    return user


def sessions_end(*, user: User) -> int:
    """Delete every stored session of the user; returns how many ended."""
    ended = 0
    # Sessions are signed blobs keyed by random ids: finding a user's means decoding
    # the live ones. Deactivation is rare, and expired sessions are not looked at.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session.session_key).delete()  # from the cache too
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """The user can no longer sign in, and every open session of theirs ends now. Their
    API tokens are deleted and their calendar feed address dies, for good: activating the
    user again does not bring them back (new ones are made if needed)."""
    user.is_active = False
    user.calendar_token = None
    user.save(update_fields=["is_active", "calendar_token"])
    for token in ApiToken.objects.filter(user=user):
        token.delete()  # one by one, so that the history records each
    sessions_end(user=user)


@transaction.atomic
def user_activate(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def system_user_create(*, created_by: User, name: str, role: str) -> User:
    """A user for an outside system reading the API: no password, no e-mail, a reader's
    role. It reads with keys made by api_token_create."""
    if role not in SYSTEM_ROLES:
        raise ValueError(f"A system user cannot have the role {role!r}.")
    base = "system-" + (slugify(name)[:120] or "api")
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(
        username=username,
        first_name=name,
        is_system=True,
        invited_by=created_by,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    _set_role(user, role=role, municipalities=(), programmes=())
    return user


def api_token_expiry(expires_on: datetime.date) -> datetime.datetime:
    """A key valid until `expires_on` works through that day, in the portal's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time.min)
    )


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_on: datetime.date, created_by: User
) -> tuple[ApiToken, str]:
    """Make a key for a system user; returns the stored token and the key itself, which
    is not stored and cannot be shown again."""
    if not (user.is_system and user.is_active):
        raise ValueError("API keys are made for active system users only.")
    digest, key = get_digest_token()
    token = ApiToken(
        digest=digest,
        token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        user=user,
        expiry=api_token_expiry(expires_on),
        name=name,
        created_by=created_by,
    )
    token.save(force_insert=True)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """The key stops working at once, for good."""
    token.delete()
