"""Operations: invite the first county adviser of a new installation (or any adviser
when nobody can sign in to invite one). Every other user is invited in the portal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Role, User
from accounts.services import invitation_url, user_invite


class Command(BaseCommand):
    help = (
        "Create a county adviser without a password and e-mail a one-time link to choose "
        "one; the link is printed too. The adviser then sets up programmes and invites "
        "everyone else in the portal."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)

    def handle(self, *args, email, first_name, last_name, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"«{email}» is not an e-mail address.") from None
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with the e-mail address {email} exists already.")
        with transaction.atomic():
            user = user_invite(
                invited_by=None,
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=Role.ADVISER,
                base_url=settings.PORTAL_BASE_URL,
            )
        self.stdout.write(
            f"{user.get_full_name()} is a county adviser. The invitation was e-mailed to "
            f"{user.email}; the link, valid once:\n"
            f"{invitation_url(user=user, base_url=settings.PORTAL_BASE_URL)}"
        )
