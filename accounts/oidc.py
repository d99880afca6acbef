"""OpenID Connect sign-in for invited users only (Entra ID, ID-porten)."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User


class InvitedUserOIDCBackend(OIDCAuthenticationBackend):
    """Maps a provider-verified e-mail address to an existing, active, invited user.

    Nobody is created: an unknown address, an unverified one or a deactivated user is
    refused.
    """

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        return None
