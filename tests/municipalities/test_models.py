import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from ilag.validators import validate_organisation_number
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


@pytest.mark.parametrize("number", ["504", "50411", "5o41", "abcd"])
def test_municipality_number_must_be_four_digits(number):
    errors = errors_of(Municipality(number=number, name="Snåsa"))
    assert "Kommunenummeret må være nøyaktig fire sifre, f.eks. 5041." in errors["number"]


def test_municipality_number_is_unique():
    Municipality.objects.create(number="5041", name="Snåsa")
    errors = errors_of(Municipality(number="5041", name="Snåsa igjen"))
    assert errors["number"] == ["En annen kommune har allerede dette kommunenummeret."]


def test_database_refuses_malformed_municipality_number():
    with pytest.raises(IntegrityError):
        Municipality.objects.create(number="12a4", name="Feil")


def test_organisation_number_with_wrong_check_digit_is_refused():
    # 817920632 is Trøndelag fylkeskommune; changing the last digit breaks MOD11.
    errors = errors_of(Municipality(number="5041", name="Snåsa", organisation_number="817920633"))
    assert errors["organisation_number"] == [
        "Organisasjonsnummeret 817920633 har feil kontrollsiffer (MOD11)."
    ]


def test_organisation_number_must_have_nine_digits():
    errors = errors_of(Municipality(number="5041", name="Snåsa", organisation_number="81792063"))
    assert errors["organisation_number"] == ["Organisasjonsnummeret må være nøyaktig ni sifre."]


@pytest.mark.parametrize("number", ["817920632", "972417858", "974764687", "986399445"])
def test_real_organisation_numbers_pass(number):
    validate_organisation_number(number)


def test_organisation_number_whose_check_digit_would_be_ten_is_refused():
    # 8 digits whose MOD11 remainder is 1 have no valid check digit at all.
    from ilag.validators import organisation_number_check_digit

    first = next(
        f"{n:08d}"
        for n in range(10000000, 10001000)
        if organisation_number_check_digit(f"{n:08d}") is None
    )
    for last in range(10):
        with pytest.raises(ValidationError):
            validate_organisation_number(first + str(last))
