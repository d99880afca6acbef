"""Operations invite the first adviser from the command line."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db(transaction=True)


def invite(*args):
    out = io.StringIO()
    call_command("invite_adviser", *args, stdout=out)
    return out.getvalue()


def test_the_first_adviser_is_invited_with_a_link_by_mail_and_on_screen():
    output = invite("kari@trondelagfylke.no", "--first-name", "Kari", "--last-name", "Nordmann")
    user = User.objects.get(email="kari@trondelagfylke.no")
    assert user.is_adviser and not user.has_usable_password() and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [Role.ADVISER]
    (message,) = mail.outbox
    link = output.strip().splitlines()[-1]
    assert "/invitasjon/" in link and link in message.body


def test_an_address_in_use_or_no_address_is_refused():
    invite("kari@trondelagfylke.no", "--first-name", "Kari", "--last-name", "Nordmann")
    with pytest.raises(CommandError, match="exists already"):
        invite("KARI@trondelagfylke.no", "--first-name", "K", "--last-name", "N")
    with pytest.raises(CommandError, match="not an e-mail address"):
        invite("kari", "--first-name", "K", "--last-name", "N")
    assert User.objects.count() == 1
