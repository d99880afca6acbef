"""Advisers set up programmes in the portal: create, change and copy, with focus areas,
cost categories and milestone templates; bad input is refused at the field, with the
input kept and nothing stored."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from agreements.models import CostCategory, FocusArea, Programme
from evaluations.models import MilestoneTemplate
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    CountyFactory,
    FocusAreaFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def programme_data(owner, **changes):
    data = {
        "name": "Distriktssatsinga 2027",
        "short_name": "DS 2027",
        "slug": "ds-2027",
        "description": "",
        "owner": owner.pk,
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "max_grant_per_agreement": "2 500 000",
        "max_county_share_percent": "50",
        "decision_organ": "Fylkesutvalget",
        "decision_date": "2026-11-20",
        "decision_case_number": "2026/4711",
        "reminder_days": "30,7",
        "stale_report_weeks": "12",
        "change_threshold_percent": "10",
        "shared_with_partners": "on",
        **management("focus"),
        **management("cost"),
        **management("template"),
    }
    data.update(changes)
    return data


def rows(prefix, *entries):
    """POST data for new rows of a formset."""
    data = management(prefix, total=len(entries))
    for index, entry in enumerate(entries):
        data.update({f"{prefix}-{index}-{name}": value for name, value in entry.items()})
    return data


@pytest.fixture
def adviser(client):
    user = UserFactory(role=Role.ADVISER)
    client.force_login(user)
    return user


def test_adviser_creates_a_programme_with_its_rules_and_follows_it(client, adviser):
    owner = CountyFactory()
    data = programme_data(
        owner,
        **rows("focus", {"name": "Boligutvikling", "description": "Nye boliger"}),
        **rows(
            "cost",
            {"name": "Prosjektledelse", "eligible": "on", "position": "0"},
            {"name": "Ordinære driftskostnader", "position": "9"},
        ),
        **rows(
            "template",
            {"kind": "midtveisrapport", "title": "", "months_after_start": "12"},
            {"kind": "sluttevaluering", "title": "Sluttevaluering", "fixed_date": "2030-11-15"},
        ),
    )
    response = client.post(reverse("agreements:programme-create"), data)
    programme = Programme.objects.get(slug="ds-2027")
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert programme.max_grant_per_agreement == 2_500_000
    assert programme.decision_case_number == "2026/4711"
    assert list(programme.focus_areas.values_list("name", flat=True)) == ["Boligutvikling"]
    assert list(programme.cost_categories.values_list("name", "eligible")) == [
        ("Prosjektledelse", True),
        ("Ordinære driftskostnader", False),
    ]
    assert list(
        programme.milestone_templates.values_list("kind", "months_after_start", "fixed_date")
    ) == [
        ("midtveisrapport", 12, None),
        ("sluttevaluering", None, datetime.date(2030, 11, 15)),
    ]
    assert list(adviser.programmes.all()) == [programme]


def test_errors_anywhere_store_nothing_and_keep_the_input(client, adviser):
    owner = CountyFactory()
    data = programme_data(
        owner,
        **rows("focus", {"name": "Boligutvikling"}),
        **rows(
            "template",
            {"kind": "midtveisrapport", "months_after_start": "12", "fixed_date": "2027-06-01"},
            {"kind": "sluttrapport", "months_after_start": "60"},
        ),
    )
    response = client.post(reverse("agreements:programme-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Programme.objects.filter(slug="ds-2027").exists()
    assert not FocusArea.objects.filter(name="Boligutvikling").exists()
    assert "Oppgi enten måneder etter at avtalen starter eller en fast dato, ikke begge." in html
    assert "60 måneder etter at programmet starter er etter at det slutter (31.12.2030)" in html
    assert 'value="Distriktssatsinga 2027"' in html and 'value="Boligutvikling"' in html


def test_a_programme_cannot_end_before_it_starts_or_take_a_pages_address(client, adviser):
    data = programme_data(CountyFactory(), end_date="2026-12-31", slug="ny")
    response = client.post(reverse("agreements:programme-create"), data)
    errors = response.context["form"].errors
    assert errors["slug"] == ["«ny» er opptatt av en side i portalen. Velg en annen kort adresse."]
    assert errors["end_date"]
    assert not Programme.objects.filter(name="Distriktssatsinga 2027").exists()


def test_the_period_cannot_shrink_past_an_agreement_nor_the_cap_below_a_frame(client, adviser):
    programme = ProgrammeFactory()
    adviser.programmes.add(programme)
    AgreementFactory(programme=programme, county_frame=2_000_000)  # 01.05.2023–30.04.2025
    data = programme_data(
        programme.owner,
        slug=programme.slug,
        start_date="2023-06-01",
        end_date="2025-01-01",
        max_grant_per_agreement="1 500 000",
    )
    response = client.post(reverse("agreements:programme-update", args=[programme.slug]), data)
    errors = response.context["form"].errors
    assert "starter 01.05.2023" in errors["start_date"][0]
    assert "slutter 30.04.2025" in errors["end_date"][0]
    assert "kr\xa02\xa0000\xa0000" in errors["max_grant_per_agreement"][0]
    programme.refresh_from_db()
    assert programme.start_date == datetime.date(2023, 1, 1)


def test_a_cost_category_in_a_budget_cannot_be_deleted_an_unused_one_can(client, adviser):
    programme = ProgrammeFactory()
    adviser.programmes.add(programme)
    used = CostCategoryFactory(programme=programme, name="Reiser")
    unused = CostCategoryFactory(programme=programme, name="Kurs")
    project = ProjectFactory(agreement=AgreementFactory(programme=programme))
    BudgetLineFactory(project=project, category=used)
    data = programme_data(
        programme.owner,
        slug=programme.slug,
        start_date="2023-01-01",
        **management("cost", total=2, initial=2),
    )
    for index, category in enumerate((used, unused)):
        data.update(
            {
                f"cost-{index}-id": category.pk,
                f"cost-{index}-name": category.name,
                f"cost-{index}-eligible": "on",
                f"cost-{index}-position": "0",
                f"cost-{index}-DELETE": "on",
            }
        )
    url = reverse("agreements:programme-update", args=[programme.slug])
    response = client.post(url, data)
    assert "Kostnadsposten «Reiser» er brukt i budsjetter" in response.content.decode()
    assert CostCategory.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2
    del data["cost-0-DELETE"]
    assert client.post(url, data).status_code == 302
    assert list(programme.cost_categories.all()) == [used]


def test_copy_takes_rules_and_set_up_but_not_agreements_or_decision(client, adviser):
    source = ProgrammeFactory(decision_case_number="2023/1", reminder_days="14")
    adviser.programmes.add(source)
    FocusAreaFactory(programme=source, name="Boligutvikling")
    CostCategoryFactory(programme=source, name="Ordinære driftskostnader", eligible=False)
    MilestoneTemplate.objects.create(
        programme=source, kind="midtveisrapport", months_after_start=12
    )
    MilestoneTemplate.objects.create(
        programme=source, kind="sluttevaluering", fixed_date=datetime.date(2025, 11, 15)
    )
    AgreementFactory(programme=source)
    response = client.post(
        reverse("agreements:programme-copy", args=[source.slug]),
        {
            "name": "I LAG 2027",
            "short_name": "",
            "slug": "i-lag-2027",
            "start_date": "2027-01-01",
            "end_date": "2030-12-31",
        },
    )
    copy = Programme.objects.get(slug="i-lag-2027")
    assert response["Location"] == reverse("agreements:programme-update", args=[copy.slug])
    assert (copy.owner, copy.max_grant_per_agreement, copy.reminder_days) == (
        source.owner,
        source.max_grant_per_agreement,
        "14",
    )
    assert copy.decision_case_number == "" and not copy.agreements.exists()
    assert list(copy.focus_areas.values_list("name", flat=True)) == ["Boligutvikling"]
    assert list(copy.cost_categories.values_list("name", "eligible")) == [
        ("Ordinære driftskostnader", False)
    ]
    assert list(
        copy.milestone_templates.values_list("kind", "months_after_start", "fixed_date")
    ) == [
        ("midtveisrapport", 12, None),
        ("sluttevaluering", None, datetime.date(2029, 11, 15)),
    ]
    assert copy in adviser.programmes.all()


def test_only_advisers_create_and_only_followers_change_or_copy(client):
    programme = ProgrammeFactory(shared_with_partners=True)
    leader = UserFactory(role=Role.PROJECT_LEADER)
    stranger = UserFactory(role=Role.ADVISER)
    for user in (leader, stranger):
        client.force_login(user)
        if user is leader:
            assert client.get(reverse("agreements:programme-create")).status_code == 403
        for name in ("agreements:programme-update", "agreements:programme-copy"):
            response = client.post(reverse(name, args=[programme.slug]), {"name": "x"})
            assert response.status_code in (403, 404)
    programme.refresh_from_db()
    assert programme.name != "x" and Programme.objects.count() == 1
