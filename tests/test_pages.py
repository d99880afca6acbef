"""The foundation's pages: what a signed-in adviser sees, in bokmål, with Norwegian figures."""

import pytest
from django.urls import reverse

from accounts.models import User
from agreements.models import Agreement
from projects.models import Project
from tests.factories import MunicipalityFactory, ProjectFactory, leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser_client(client, demo_for_module):
    client.force_login(User.objects.get(username="radgiver"))
    return client


def page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200, url
    return response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_bokmal(client):
    html = page(client, reverse("login"))
    assert '<html lang="nb">' in html
    assert "Logg inn" in html


def test_programme_page_shows_six_municipalities_with_numbers_and_amounts(adviser_client):
    html = page(adviser_client, reverse("agreements:programme-detail", args=["i-lag"]))
    for number, name in [
        ("5041", "Snåsa"),
        ("5022", "Rennebu"),
        ("5034", "Meråker"),
        ("5046", "Høylandet"),
        ("5033", "Tydal"),
        ("5052", "Leka"),
    ]:
        assert f'{name}</a> <span class="text-muted">({number})</span>' in html
    assert "kr\xa02\xa0000\xa0000" in html  # each agreement's frame
    assert "15.12.2023" in html  # oppstartsnotat
    assert "Samarbeidsavtaler" in html
    assert "Oppstartsnotat" in html


def test_municipality_pages_list_and_detail(adviser_client):
    html = page(adviser_client, reverse("municipalities:list"))
    assert "Snåsa (Snåase)" in html and "5041" in html
    html = page(adviser_client, reverse("municipalities:detail", args=["5034"]))
    assert "Samarbeidsavtale I LAG – Meråker" in html
    assert "Rekruttering av helsepersonell" in html


def test_agreement_page_shows_projects_and_totals(adviser_client):
    agreement = Agreement.objects.get(title="Samarbeidsavtale I LAG – Snåsa")
    html = page(adviser_client, agreement.get_absolute_url())
    assert "«Vi ble I LAG»" in html
    assert "Boliger i Snåsa sentrum" in html
    assert "01.05.2023–30.04.2025" in html


def test_project_page_shows_budget_by_year_and_category_and_county_share(adviser_client):
    project = Project.objects.get(agreement__title="Samarbeidsavtale I LAG – Snåsa", number=2)
    html = page(adviser_client, project.get_absolute_url())
    budget = project.budget_total()
    formatted = f"kr\xa0{budget:,}".replace(",", "\xa0")
    assert formatted in html
    assert ">2023<" in html and ">2025<" in html  # years are not grouped like amounts
    assert "Tilskudd fra Trøndelag fylkeskommune" in html  # no unexplained «TRFK»
    assert "Husbanken" in html  # a funder
    assert "Snåsa kommune (egenandel)" in html
    assert "Tilflyttere som blir boende" in html  # indicator kind in bokmål


def test_project_list_filters_by_municipality(adviser_client):
    html = page(adviser_client, reverse("projects:list") + "?kommune=5052")
    assert "Utviklingsplan for Leka" in html
    assert "Boliger i Snåsa sentrum" not in html


def test_english_is_selectable(adviser_client):
    response = adviser_client.post(reverse("set_language"), {"language": "en", "next": "/program/"})
    assert response.status_code == 302
    html = adviser_client.get("/program/").content.decode()
    assert '<html lang="en">' in html and "Programmes" in html


def test_leader_cannot_see_another_municipality_draft_project(client):
    # Municipalities of their own (the module's demo may be loaded, with its Meråker).
    meraker = MunicipalityFactory(name="Meråker")
    snasa = MunicipalityFactory(name="Snåsa")
    draft = ProjectFactory(draft=True, agreement__municipalities=[meraker])
    published = ProjectFactory(agreement=draft.agreement)
    client.force_login(leader(snasa))
    assert client.get(draft.get_absolute_url()).status_code == 404
    # Another municipality's published project in the same programme is readable only
    # when the leader's municipality takes part in that programme.
    assert client.get(published.get_absolute_url()).status_code == 404
    ProjectFactory(
        agreement__programme=draft.agreement.programme, agreement__municipalities=[snasa]
    )
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_health_endpoint_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
