"""The root URLconf: the PDF reports' old addresses redirect for good."""

import pytest
from django.urls import resolve

from accounts.models import Role
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/milepeler/rapporter/", "/rapporter/"),
        ("/milepeler/rapporter/bestill/?prosjekt=4", "/rapporter/bestill/?prosjekt=4"),
        ("/milepeler/rapporter/bestilling/12/", "/rapporter/bestilling/12/"),
        ("/milepeler/rapporter/bestilling/12/last-ned/", "/rapporter/bestilling/12/last-ned/"),
    ],
)
def test_old_report_addresses_redirect_permanently(client, db, old, new):
    client.force_login(UserFactory(role=Role.ADVISER))
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_a_milestone_reports_own_address_is_not_redirected():
    match = resolve("/milepeler/rapporter/7/")
    assert match.view_name == "evaluations:report-detail"
    assert match.kwargs == {"pk": 7}
