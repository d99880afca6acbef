"""The calendar link page, with and without a link, in Chromium."""

import pytest

from accounts.models import User
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_calendar_settings_page_with_and_without_a_link_passes_axe(page):
    log_in(page, "leder.snasa")
    page.goto(f"{page.base_url}/milepeler/kalender/")
    assert page.locator("h1").inner_text() == "Frister i kalenderen din"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Lag lenke").click()
    assert "Kalenderlenken din er klar." in page.content()
    token = User.objects.get(username="leder.snasa").calendar_token
    address = page.get_by_label("Kalenderadresse (iCalendar)")
    assert address.input_value() == f"{page.base_url}/kalender/{token}.ics"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Slå av lenken").click()
    assert "Kalenderlenken er slått av." in page.content()
    assert User.objects.get(username="leder.snasa").calendar_token is None
    assert axe_violations(page) == []
