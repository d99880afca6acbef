"""A programme with a 50 % cap, Snåsa's signed agreement with a payout plan (40 % on
signing, 40 % after the mid-term report, the rest after the final report) and a project
granted 500 000 kr, shared by the payout tests."""

import datetime
from decimal import Decimal

import pytest

from payouts import services
from payouts.models import Tranche
from tests.factories import (
    AgreementFactory,
    CostCategoryFactory,
    CountyFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    following,
    leader,
)

D = datetime.date


@pytest.fixture
def w():
    county = CountyFactory()
    programme = ProgrammeFactory(
        owner=county, max_county_share_percent=50, end_date=D(2028, 12, 31)
    )
    snasa = MunicipalityFactory(name="Snåsa", number="5041")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa],
        county_frame=1_000_000,
        start_date=D(2025, 1, 1),
        end_date=D(2027, 12, 31),
        signed_date=D(2025, 1, 10),
    )
    project = ProjectFactory(agreement=agreement, granted_amount=500_000, title="Boliger")
    project.lead_municipality = snasa
    project.save()
    adviser = following(programme)
    plan = [
        services.TrancheEntry("", Decimal(40), None, False, Tranche.Condition.SIGNED, "", None),
        services.TrancheEntry(
            "", Decimal(40), None, False, Tranche.Condition.MILESTONE, "midtveisrapport", None
        ),
        services.TrancheEntry("", None, None, True, Tranche.Condition.FINAL_REPORT, "", None),
    ]
    tranches = services.plan_save(holder=agreement, entries=plan, user=adviser)
    return {
        "programme": programme,
        "agreement": agreement,
        "project": project,
        "snasa": snasa,
        "staff": CostCategoryFactory(programme=programme, name="Prosjektledelse"),
        "operating": CostCategoryFactory(programme=programme, ineligible=True),
        "tranches": tranches,
        "leader": leader(snasa),
        "adviser": adviser,
    }
