import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from projects.permissions import can_edit_project
from tests.factories import AgreementFactory, MunicipalityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tydal_project():
    tydal = MunicipalityFactory(number="5033", name="Tydal")
    agreement = AgreementFactory(municipalities=[tydal])
    return ProjectFactory(agreement=agreement, title="Boligprogram for Tydal", draft=True)


@pytest.fixture
def adviser(tydal_project):
    user = UserFactory(
        username="radgiver", role=Role.ADVISER, first_name="Randi", last_name="Rådgiver"
    )
    user.programmes.add(tydal_project.agreement.programme)
    return user


def invite(client, adviser, **data):
    client.force_login(adviser)
    tydal = User._meta.get_field("municipalities").related_model.objects.get(number="5033")
    payload = {
        "first_name": "Ny",
        "last_name": "Leder",
        "email": "ny.leder@example.no",
        "role": Role.PROJECT_LEADER,
        "municipalities": [tydal.pk],
        **data,
    }
    return client.post(reverse("accounts:user-invite"), payload)


def invitation_link(message) -> str:
    return re.search(r"https?://\S+/invitasjon/\S+/", message.body).group(0)


def test_invited_leader_sets_password_and_sees_and_may_edit_tydal(
    client, adviser, tydal_project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, adviser)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.leder@example.no"]
    assert message.subject == "Du er invitert til I LAG-portalen"
    assert "Randi Rådgiver har invitert deg" in message.body
    link = invitation_link(message)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Velg passord" in page.content.decode()
    response = client.post(
        link, {"new_password1": "Fjellvann-2026", "new_password2": "Fjellvann-2026"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny.leder@example.no")
    assert user.role == Role.PROJECT_LEADER and user.check_password("Fjellvann-2026")
    html = client.get(reverse("projects:list")).content.decode()
    assert "Boligprogram for Tydal" in html
    assert client.get(tydal_project.get_absolute_url()).status_code == 200
    assert can_edit_project(user, tydal_project)


def test_invitation_link_used_twice_says_so(client, adviser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, adviser)
    link = invitation_link(mail.outbox[0])
    client.logout()
    client.post(link, {"new_password1": "Fjellvann-2026", "new_password2": "Fjellvann-2026"})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "Denne invitasjonen er allerede brukt" in response.content.decode()


def test_expired_invitation_link_says_so(client, adviser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, adviser)
    link = invitation_link(mail.outbox[0])
    client.logout()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        response = client.get(link)
    assert response.status_code == 400
    assert "Invitasjonslenken er utløpt" in response.content.decode()


def test_resent_invitation_works_after_expiry(client, adviser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, adviser)
    invited = User.objects.get(email="ny.leder@example.no")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        client.force_login(adviser)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:invitation-resend", args=[invited.pk]))
        client.logout()
        assert client.get(invitation_link(mail.outbox[1])).status_code == 200


def test_leader_without_municipality_gets_message_and_keeps_input(client, adviser):
    response = invite(client, adviser, municipalities=[])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg minst én kommune for en prosjektleder." in html
    assert 'value="ny.leder@example.no"' in html
    assert not User.objects.filter(email="ny.leder@example.no").exists()
    assert mail.outbox == []


def test_duplicate_email_is_refused_at_the_field(client, adviser):
    UserFactory(username="finnes", email="Ny.Leder@example.no")
    response = invite(client, adviser)
    assert response.status_code == 200
    assert "En annen bruker har allerede denne e-postadressen." in response.content.decode()


def test_adviser_changes_role_and_municipalities(client, adviser):
    leka = MunicipalityFactory(number="5052", name="Leka")
    AgreementFactory(programme=adviser.programmes.get(), municipalities=[leka])
    target = UserFactory(
        username="leder",
        role=Role.PROJECT_LEADER,
        municipalities=[MunicipalityFactory.create(number="5033")],
    )
    client.force_login(adviser)
    response = client.post(
        reverse("accounts:user-update", args=[target.pk]),
        {
            "first_name": "Lea",
            "last_name": "Leka",
            "email": "lea@example.no",
            "role": Role.PROJECT_LEADER,
            "municipalities": [leka.pk],
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert list(target.municipalities.values_list("number", flat=True)) == ["5052"]
    assert target.email == "lea@example.no"


def test_password_reset_mail_sets_a_new_password(client):
    user = UserFactory(username="kari", email="kari@example.no")
    client.post(reverse("accounts:password-reset"), {"email": "kari@example.no"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/glemt-passord/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Fjellvann-2026", "new_password2": "Fjellvann-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Fjellvann-2026")


def test_user_edits_own_name_and_email(client):
    user = UserFactory(username="kari", role=Role.PARTNER)
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Kari", "last_name": "Nordmann", "email": "kari.nordmann@example.no"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.get_full_name(), user.email) == ("Kari Nordmann", "kari.nordmann@example.no")
