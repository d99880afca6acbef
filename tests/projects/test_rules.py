"""The programme's rules for projects, each fed bad input, each with its bokmål message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from projects.models import BudgetLine, FundingLine, Project
from projects.services import BudgetEntry, FundingEntry, project_financing_set
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    CountyFactory,
    FundingLineFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def errors_of(obj, **kwargs) -> dict:
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        obj.full_clean(**kwargs)
    return exc.value.message_dict


def financing_errors_of(**kwargs) -> dict:
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        project_financing_set(**kwargs)
    return exc.value.message_dict


@pytest.fixture
def project():
    return ProjectFactory(
        agreement=AgreementFactory(programme=ProgrammeFactory(max_county_share_percent=50))
    )


@pytest.fixture
def category(project):
    return CostCategoryFactory(programme=project.agreement.programme, name="Prosjektledelse")


def test_funding_must_equal_budget(project, category):
    county = CountyFactory()
    errors = financing_errors_of(
        project=project,
        budget=[BudgetEntry(year=2024, category_id=category.pk, amount=1_000_000)],
        funding=[
            FundingEntry(source_id=county.pk, amount=400_000),
            FundingEntry(source_municipality_id=project.municipalities.get().pk, amount=500_000),
        ],
    )
    assert errors["funding"] == [
        "Finansieringsplanen (kr\xa0900\xa0000) må være lik budsjettet (kr\xa01\xa0000\xa0000); "
        "differansen er kr\xa0100\xa0000."
    ]
    assert not project.budget_lines.exists() and not project.funding_lines.exists()


def test_county_share_above_programme_cap_is_refused(project, category):
    county = CountyFactory()
    errors = financing_errors_of(
        project=project,
        budget=[BudgetEntry(year=2024, category_id=category.pk, amount=1_000_000)],
        funding=[
            FundingEntry(source_id=county.pk, amount=600_000),
            FundingEntry(source_municipality_id=project.municipalities.get().pk, amount=400_000),
        ],
    )
    assert errors["county_share"] == [
        f"Tilskuddet fra Trøndelag fylkeskommune er 60,0\xa0% av de samlede kostnadene; "
        f"{project.agreement.programme} tillater høyst 50\xa0%."
    ]
    assert not project.funding_lines.exists()


def test_balanced_financing_within_cap_is_stored(project, category):
    county = CountyFactory()
    project_financing_set(
        project=project,
        budget=[BudgetEntry(year=2024, category_id=category.pk, amount=1_000_000)],
        funding=[
            FundingEntry(source_id=county.pk, amount=500_000),
            FundingEntry(
                source_municipality_id=project.municipalities.get().pk,
                amount=500_000,
                kind=FundingLine.Kind.IN_KIND,
            ),
        ],
    )
    assert project.budget_total() == project.funding_total() == 1_000_000
    assert project.county_share_percent() == 50


def test_ineligible_cost_category_is_refused(project):
    ineligible = CostCategoryFactory(programme=project.agreement.programme, ineligible=True)
    line = BudgetLine(project=project, year=2024, category=ineligible, amount=10_000)
    assert errors_of(line)["category"] == [
        f"«Ordinære driftskostnader» er ikke tilskuddsberettiget i {project.agreement.programme}."
    ]


def test_ineligible_category_refused_by_financing_service(project):
    ineligible = CostCategoryFactory(programme=project.agreement.programme, ineligible=True)
    errors = financing_errors_of(
        project=project,
        budget=[BudgetEntry(year=2024, category_id=ineligible.pk, amount=10_000)],
        funding=[
            FundingEntry(source_municipality_id=project.municipalities.get().pk, amount=10_000)
        ],
    )
    assert "er ikke tilskuddsberettiget" in errors["budget"][0]


def test_cost_category_of_another_programme_is_refused(project):
    other = CostCategoryFactory(programme=ProgrammeFactory(), name="Reiser")
    line = BudgetLine(project=project, year=2024, category=other, amount=10_000)
    assert errors_of(line)["category"] == [
        "«Reiser» er ikke en kostnadspost i prosjektets program."
    ]


def test_negative_budget_amount_is_refused(project, category):
    line = BudgetLine(project=project, year=2024, category=category, amount=-5)
    assert "Beløpet kan ikke være negativt." in errors_of(line)["amount"]


def test_database_refuses_negative_amount(project, category):
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(project=project, year=2024, category=category, amount=-1)


def test_budget_year_outside_project_period_is_refused(project, category):
    line = BudgetLine(project=project, year=2030, category=category, amount=10_000)
    assert errors_of(line)["year"] == ["Året 2030 er utenfor prosjektperioden (2023–2025)."]


def test_project_cannot_start_before_its_agreement():
    agreement = AgreementFactory(start_date=D(2023, 5, 1), end_date=D(2025, 4, 30))
    project = Project(
        agreement=agreement, title="Tidlig", start_date=D(2023, 4, 1), end_date=D(2024, 1, 1)
    )
    assert errors_of(project)["start_date"] == [
        "Prosjektet kan ikke starte før avtalen (01.05.2023)."
    ]


def test_project_cannot_end_after_its_agreement():
    agreement = AgreementFactory(start_date=D(2023, 5, 1), end_date=D(2025, 4, 30))
    project = Project(
        agreement=agreement, title="Sen", start_date=D(2023, 6, 1), end_date=D(2025, 5, 1)
    )
    assert errors_of(project)["end_date"] == [
        "Prosjektet kan ikke slutte etter avtalen (30.04.2025)."
    ]


def test_project_end_before_start_is_refused():
    agreement = AgreementFactory()
    project = Project(
        agreement=agreement, title="Baklengs", start_date=D(2024, 6, 1), end_date=D(2024, 5, 1)
    )
    assert errors_of(project)["end_date"] == ["Sluttdatoen kan ikke være før startdatoen."]


def test_database_refuses_project_ending_before_it_starts():
    project = ProjectFactory()
    project.end_date = project.start_date - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError):
        project.save()


def test_active_project_with_unbalanced_financing_is_refused(project, category):
    BudgetLineFactory(project=project, category=category, amount=200_000)
    FundingLineFactory(project=project, source=CountyFactory(), amount=100_000)
    project.status = Project.Status.ACTIVE
    messages = errors_of(project)["status"]
    assert messages[0] == "Prosjektet kan ikke ha status «Pågår» før finansieringen er i orden:"
    assert "må være lik budsjettet" in messages[1]


def test_draft_project_may_have_unbalanced_financing(project, category):
    BudgetLineFactory(project=project, category=category, amount=200_000)
    project.status = Project.Status.DRAFT
    project.full_clean()


def test_funding_line_needs_exactly_one_source(project):
    line = FundingLine(project=project, amount=1000)
    assert errors_of(line)["source"] == ["Velg organisasjonen eller kommunen som gir pengene."]
    both = FundingLine(
        project=project,
        amount=1000,
        source=OrganisationFactory(),
        source_municipality=project.municipalities.get(),
    )
    assert errors_of(both)["source"] == [
        "Velg enten en organisasjon eller en kommune som kilde, ikke begge."
    ]


def test_database_refuses_funding_line_with_two_sources(project):
    with pytest.raises(IntegrityError):
        FundingLine.objects.create(
            project=project,
            amount=1000,
            source=OrganisationFactory(),
            source_municipality=project.municipalities.get(),
        )


def test_custom_indicator_needs_a_name(project):
    from projects.models import Indicator

    indicator = Indicator(
        project=project, kind=Indicator.Kind.CUSTOM, unit="stk", baseline=0, target=1
    )
    assert errors_of(indicator)["name"] == ["En egendefinert indikator må ha et navn."]


def test_with_totals_matches_line_sums_without_fan_out(project, category):
    county = CountyFactory()
    other_category = CostCategoryFactory(programme=project.agreement.programme)
    BudgetLineFactory(project=project, category=category, amount=300_000)
    BudgetLineFactory(project=project, category=other_category, amount=200_000)
    FundingLineFactory(project=project, source=county, amount=250_000)
    FundingLineFactory(project=project, source=OrganisationFactory(), amount=150_000)
    FundingLineFactory(
        project=project,
        source=None,
        source_municipality=project.municipalities.get(),
        amount=100_000,
    )
    annotated = Project.objects.with_totals().get(pk=project.pk)
    assert (annotated.budget_sum, annotated.funding_sum, annotated.county_sum) == (
        500_000,
        500_000,
        250_000,
    )


@pytest.mark.parametrize(
    "county_total, refused",
    [
        (50_000, False),  # exactly 50 %
        (50_001, True),  # 50.001 %: above the cap, however it rounds
        (50_400, True),  # 50.4 %, which rounds to 50 %
        (49_999, False),
    ],
)
def test_county_share_cap_is_compared_exactly_at_its_boundary(county_total, refused):
    from projects.models import financing_errors

    programme = ProgrammeFactory(max_county_share_percent=50)
    errors = financing_errors(
        programme=programme,
        budget_total=100_000,
        funding_total=100_000,
        county_total=county_total,
    )
    assert ("county_share" in errors) is refused, errors
