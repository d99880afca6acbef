"""The user list («Brukere»): each user's role and what it covers, without a query per user."""

import re

import pytest

from accounts.models import Role
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory, leader
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db


def add_users(count: int) -> None:
    for n in range(count):
        municipality = MunicipalityFactory()
        if n % 2:
            leader(municipality, last_name=f"Leiar {n:03}")
        else:
            user = UserFactory(role=Role.ADVISER, last_name=f"Rådgjevar {n:03}")
            user.programmes.add(ProgrammeFactory())


def test_the_user_list_reads_roles_with_the_users_not_one_query_per_user(client):
    manager = UserFactory(role=Role.ADVISER, is_staff=False)
    client.force_login(manager)
    client.get("/konto/")  # the first view after signing in saves the session
    add_users(2)
    few = queries_to_show(client, "/brukere/")
    add_users(28)
    response = client.get("/brukere/")
    many = queries_to_show(client, "/brukere/")
    assert many == few
    html = response.content.decode()
    # Every row still shows its role: 15 project leaders and 16 advisers (the manager too).
    assert len(re.findall(r'data-label="Rolle">Prosjektleder</td>', html)) == 15
    assert len(re.findall(r'data-label="Rolle">Rådgiver i fylkeskommunen</td>', html)) == 16
