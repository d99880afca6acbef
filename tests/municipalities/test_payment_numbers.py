"""An adviser keeps a municipality's organisation and bank account numbers in the
portal; a wrong check digit is refused at the field with the input kept."""

import pytest
from django.test import Client
from django.urls import reverse

from ilag.validators import account_number_check_digit, format_account_number
from municipalities.models import Municipality
from tests.factories import MunicipalityFactory, adviser, fresh

pytestmark = pytest.mark.django_db


def valid_account() -> str:
    first_ten = "1503123456"
    return first_ten + str(account_number_check_digit(first_ten))


def form_post(user, municipality, **data):
    client = Client()
    client.force_login(user)
    url = reverse("municipalities:update", args=[municipality.number])
    opened = client.get(url).context["form"].initial["opened_with"]
    return client.post(url, {"opened_with": opened, **data})


def test_account_number_with_dots_is_stored_as_eleven_digits():
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    account = valid_account()
    response = form_post(
        fresh(adviser()),
        snasa,
        organisation_number="",
        bank_account_number=format_account_number(account),
    )
    assert response.status_code == 302
    snasa.refresh_from_db()
    assert snasa.bank_account_number == account
    assert snasa.history.first().bank_account_number == account


def test_a_wrong_check_digit_is_refused_at_the_field_and_kept():
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    account = valid_account()
    wrong = account[:10] + str((int(account[10]) + 1) % 10)
    response = form_post(fresh(adviser()), snasa, organisation_number="", bank_account_number=wrong)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["bank_account_number"]
    assert wrong in form.errors["bank_account_number"][0]
    assert f'value="{wrong}"' in response.content.decode()
    assert Municipality.objects.get(pk=snasa.pk).bank_account_number == ""


def test_numbers_changed_meanwhile_are_not_overwritten():
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    client = Client()
    client.force_login(fresh(adviser()))
    url = reverse("municipalities:update", args=[snasa.number])
    opened = client.get(url).context["form"].initial["opened_with"]
    Municipality.objects.filter(pk=snasa.pk).update(bank_account_number=valid_account())
    response = client.post(
        url, {"opened_with": opened, "organisation_number": "", "bank_account_number": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Municipality.objects.get(pk=snasa.pk).bank_account_number == valid_account()
