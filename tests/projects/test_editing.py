"""Editing a project and its financing: rules at the field, input kept, no lost updates."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from projects.models import BudgetLine, FundingLine, Project
from tests.factories import (
    AgreementFactory,
    CostCategoryFactory,
    CountyFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    programme = ProgrammeFactory(max_county_share_percent=50)
    county = CountyFactory()
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa],
        start_date=D(2024, 1, 1),
        end_date=D(2025, 12, 31),
    )
    project = ProjectFactory(agreement=agreement, draft=True, title="Boliger i sentrum")
    category = CostCategoryFactory(programme=programme, name="Prosjektledelse", position=1)
    travel = CostCategoryFactory(programme=programme, name="Reiser", position=2)
    CostCategoryFactory(programme=programme, ineligible=True)
    leader = UserFactory(
        username="leder",
        first_name="Sigrid",
        last_name="Snåsa",
        role=Role.PROJECT_LEADER,
        municipalities=[snasa],
    )
    adviser = UserFactory(
        username="radgiver", first_name="Randi", last_name="Rådgiver", role=Role.ADVISER
    )
    adviser.programmes.add(programme)
    return {
        "project": project,
        "county": county,
        "snasa": snasa,
        "category": category,
        "travel": travel,
        "leader": leader,
        "adviser": adviser,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def project_form_data(project, **changes):
    data = {
        "version": project.version,
        "title": project.title,
        "description": project.description,
        "goals": project.goals,
        "focus_area": "",
        "leader": "",
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "status": project.status,
        **{f"share_{m.pk}": "100" for m in project.municipalities.all()},
    }
    data.update(changes)
    return data


def financing_data(world, version, cells, funding):
    data = {
        "version": version,
        "funding-TOTAL_FORMS": len(funding),
        "funding-INITIAL_FORMS": 0,
        "funding-MIN_NUM_FORMS": 0,
        "funding-MAX_NUM_FORMS": 1000,
    }
    for (category, year), amount in cells.items():
        data[f"b_{category.pk}_{year}"] = amount
    for i, (source, amount) in enumerate(funding):
        data[f"funding-{i}-source"] = source
        data[f"funding-{i}-kind"] = "cash"
        data[f"funding-{i}-amount"] = amount
        data[f"funding-{i}-note"] = ""
    return data


def test_leader_edits_own_project_facts(world):
    project = world["project"]
    client = client_for(world["leader"])
    response = client.post(
        reverse("projects:update", args=[project.pk]),
        project_form_data(project, description="Ny beskrivelse"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.description == "Ny beskrivelse" and project.version == 2
    assert project.history.first().history_user == world["leader"]


def test_second_of_two_concurrent_saves_is_refused_with_who_and_when_and_input_kept(world):
    project = world["project"]
    first, second = client_for(world["adviser"]), client_for(world["leader"])
    form_first = project_form_data(project, goals="Rådgiverens mål")
    form_second = project_form_data(project, goals="Prosjektlederens mål")  # same version
    assert first.post(reverse("projects:update", args=[project.pk]), form_first).status_code == 302
    response = second.post(reverse("projects:update", args=[project.pk]), form_second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prosjektet ble endret av Randi Rådgiver" in html
    assert "Endringene dine er IKKE lagret" in html
    assert "Prosjektlederens mål" in html  # the second person's input stays in the form
    project.refresh_from_db()
    assert project.goals == "Rådgiverens mål"
    # After review, saving again (the form now carries the new version) goes through.
    form_again = project_form_data(project, goals="Prosjektlederens mål")
    assert second.post(reverse("projects:update", args=[project.pk]), form_again).status_code == 302
    project.refresh_from_db()
    assert project.goals == "Prosjektlederens mål"


def test_period_outside_the_agreement_is_refused_at_the_field(world):
    project = world["project"]
    client = client_for(world["leader"])
    response = client.post(
        reverse("projects:update", args=[project.pk]),
        project_form_data(project, end_date="2026-06-30"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prosjektet kan ikke slutte etter avtalen (31.12.2025)." in html
    assert 'value="2026-06-30"' in html
    project.refresh_from_db()
    assert project.end_date == D(2025, 12, 31)


def test_status_change_the_workflow_does_not_allow_is_refused(world):
    # Approval and close-out have their own actions; the form offers an adviser only
    # cancelling, and a leader no status at all.
    project = world["project"]
    client = client_for(world["adviser"])
    response = client.post(
        reverse("projects:update", args=[project.pk]),
        project_form_data(project, status=Project.Status.ACTIVE),
    )
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()  # not among the offered choices
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    leader_page = client_for(world["leader"]).get(reverse("projects:update", args=[project.pk]))
    assert 'name="status"' not in leader_page.content.decode()


def test_proposal_with_unbalanced_financing_cannot_be_submitted(world):
    project = world["project"]
    project.description, project.goals = "Nye boliger.", "Ti boliger."
    project.save()
    BudgetLine.objects.create(
        project=project, year=2024, category=world["category"], amount=100_000
    )
    client = client_for(world["leader"])
    response = client.post(
        reverse("projects:submit", args=[project.pk]), {"version": project.version}, follow=True
    )
    html = response.content.decode()
    assert "Finansieringsplanen (kr\xa00) må være lik budsjettet (kr\xa0100\xa0000)" in html
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


def test_financing_saved_when_it_follows_the_rules(world):
    project, county, snasa = world["project"], world["county"], world["snasa"]
    client = client_for(world["leader"])
    data = financing_data(
        world,
        project.version,
        {(world["category"], 2024): "200 000", (world["travel"], 2025): "kr 50 000"},
        [(f"o{county.pk}", "125 000"), (f"m{snasa.pk}", "125000")],
    )
    response = client.post(reverse("projects:financing", args=[project.pk]), data)
    assert response.status_code == 302
    assert sorted(project.budget_lines.values_list("year", "amount")) == [
        (2024, 200_000),
        (2025, 50_000),
    ]
    assert project.funding_total() == 250_000 and project.county_total() == 125_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5 000", "Beløpet kan ikke være negativt."),
        ("tusen", "«tusen» er ikke et beløp. Skriv hele kroner, f.eks. 125 000."),
        ("1250,50", "Skriv beløpet i hele kroner uten desimaler, f.eks. 125 000."),
    ],
)
def test_bad_amounts_get_a_message_at_the_cell_and_nothing_changes(world, typed, message):
    project = world["project"]
    BudgetLine.objects.create(
        project=project, year=2024, category=world["category"], amount=100_000
    )
    client = client_for(world["leader"])
    data = financing_data(world, project.version, {(world["category"], 2024): typed}, [])
    response = client.post(reverse("projects:financing", args=[project.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html
    assert list(project.budget_lines.values_list("amount", flat=True)) == [100_000]


def test_funding_not_equal_to_budget_is_refused_with_the_difference(world):
    project, county, snasa = world["project"], world["county"], world["snasa"]
    client = client_for(world["leader"])
    data = financing_data(
        world,
        project.version,
        {(world["category"], 2024): "200 000"},
        [(f"o{county.pk}", "100 000"), (f"m{snasa.pk}", "50 000")],
    )
    response = client.post(reverse("projects:financing", args=[project.pk]), data)
    html = response.content.decode()
    assert "må være lik budsjettet (kr\xa0200\xa0000); differansen er kr\xa050\xa0000." in html
    assert 'value="200 000"' in html
    assert (
        not project.budget_lines.exists()
        and not FundingLine.objects.filter(project=project).exists()
    )


def test_grant_above_the_cap_is_refused(world):
    project, county, snasa = world["project"], world["county"], world["snasa"]
    client = client_for(world["leader"])
    data = financing_data(
        world,
        project.version,
        {(world["category"], 2024): "200 000"},
        [(f"o{county.pk}", "150 000"), (f"m{snasa.pk}", "50 000")],
    )
    html = client.post(reverse("projects:financing", args=[project.pk]), data).content.decode()
    assert "er 75,0\xa0% av de samlede kostnadene" in html
    assert not project.budget_lines.exists()


def test_budget_saved_by_someone_else_meanwhile_is_not_overwritten(world):
    project, county, snasa = world["project"], world["county"], world["snasa"]
    stale = project.version
    first = financing_data(
        world, stale, {(world["category"], 2024): "100 000"}, [(f"m{snasa.pk}", "100 000")]
    )
    second = financing_data(
        world,
        stale,
        {(world["category"], 2024): "300 000"},
        [(f"o{county.pk}", "150 000"), (f"m{snasa.pk}", "150 000")],
    )
    assert (
        client_for(world["adviser"])
        .post(reverse("projects:financing", args=[project.pk]), first)
        .status_code
        == 302
    )
    response = client_for(world["leader"]).post(
        reverse("projects:financing", args=[project.pk]), second
    )
    html = response.content.decode()
    assert "Budsjettet for prosjektet ble endret av Randi Rådgiver" in html
    assert 'value="300 000"' in html
    assert list(project.budget_lines.values_list("amount", flat=True)) == [100_000]


def test_other_municipality_leader_cannot_edit(world):
    """A leader of another municipality in the programme sees the published project but
    may not change it (403, nothing stored); its draft he does not even see (404)."""
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    AgreementFactory(programme=world["project"].agreement.programme, municipalities=[meraker])
    other = UserFactory(username="annen", role=Role.PROJECT_LEADER, municipalities=[meraker])
    published = ProjectFactory(agreement=world["project"].agreement, title="Fjellgarden")
    client = client_for(other)
    assert client.get(reverse("projects:detail", args=[published.pk])).status_code == 200
    response = client.post(
        reverse("projects:update", args=[published.pk]),
        project_form_data(published, title="Kapret"),
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Fjellgarden"

    project = world["project"]
    response = client.post(
        reverse("projects:update", args=[project.pk]), project_form_data(project, title="Kapret")
    )
    assert response.status_code == 404  # a draft of another municipality: not even seen
    project.refresh_from_db()
    assert project.title == "Boliger i sentrum"
