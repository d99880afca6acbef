import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from agreements.models import Agreement
from tests.factories import AgreementFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def errors_of(obj) -> dict:
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        obj.full_clean(exclude=["municipalities", "focus_areas"])
    return exc.value.message_dict


def test_agreement_frame_above_programme_max_grant_is_refused():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(max_grant_per_agreement=3_000_000), county_frame=3_500_000
    )
    assert errors_of(agreement)["county_frame"] == [
        "Fylkeskommunens ramme på kr\xa03\xa0500\xa0000 er høyere enn programmets største "
        "tilskudd per avtale, kr\xa03\xa0000\xa0000."
    ]


def test_agreement_frame_at_the_cap_is_accepted():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(max_grant_per_agreement=3_000_000), county_frame=3_000_000
    )
    agreement.full_clean(exclude=["municipalities", "focus_areas"])


def test_agreement_end_before_start_is_refused():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(), start_date=D(2024, 5, 1), end_date=D(2024, 4, 30)
    )
    assert errors_of(agreement)["end_date"] == ["Sluttdatoen kan ikke være før startdatoen."]


def test_database_refuses_agreement_ending_before_it_starts():
    agreement = AgreementFactory()
    Agreement.objects.filter(pk=agreement.pk)  # a fresh row, then a direct save
    agreement.end_date = agreement.start_date - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError):
        agreement.save()


def test_agreement_cannot_start_before_programme():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(start_date=D(2023, 1, 1)), start_date=D(2022, 12, 1)
    )
    assert errors_of(agreement)["start_date"] == [
        "Avtalen kan ikke starte før programmet (01.01.2023)."
    ]


def test_signed_agreement_needs_signing_date():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(), status=Agreement.Status.SIGNED, signed_date=None
    )
    assert errors_of(agreement)["signed_date"] == [
        "En signert eller aktiv avtale må ha datoen den ble signert."
    ]


def test_case_number_format_is_checked():
    agreement = AgreementFactory.build(programme=ProgrammeFactory(), decision_case_number="12345")
    assert errors_of(agreement)["decision_case_number"] == [
        "Saksnummeret må se slik ut: 2023/12345 (år, skråstrek, nummer)."
    ]
