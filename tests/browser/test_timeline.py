"""The programme timeline and the adviser's overdue page, in Chromium, pass axe (WCAG 2.1 AA).

The clock is set to 20.09.2025, in the middle of I LAG, so that the timeline shows every
kind of marker; the screenshot of the timeline goes to /tmp/timeline.png for a human look.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from tests.browser.conftest import axe_violations, log_in
from tests.browser.timeline_data import demo_as_of

pytestmark = pytest.mark.browser

MID_PROGRAMME = datetime.datetime(2025, 9, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
I_LAG = ["Snåsa", "Rennebu", "Meråker", "Høylandet", "Tydal", "Leka"]


@pytest.fixture
def mid_programme(page):
    # tick=True: the clock runs on from there, so the browser's waits behave as usual.
    with time_machine.travel(MID_PROGRAMME, tick=True):
        demo_as_of(MID_PROGRAMME.date())
        yield page


def test_programme_page_with_timeline_has_no_axe_violations(mid_programme):
    page = mid_programme
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/program/i-lag/")
    section = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    figure = section.get_by_role("img", name="Tidslinje for I LAG")
    assert figure.is_visible()
    drawn = figure.text_content()
    for name in I_LAG:
        assert name in drawn
    assert "Tegnforklaring:" in drawn
    table = section.get_by_role("table", name="Tidslinjen som tekst")
    assert table.get_by_role("rowheader", name="Meråker").is_visible()
    assert figure.get_attribute("aria-describedby") == table.get_attribute("id")
    assert axe_violations(page) == []
    figure.scroll_into_view_if_needed()
    section.screenshot(path="/tmp/timeline.png")
    page.screenshot(path="/tmp/timeline-page.png", full_page=True)


def test_timeline_scrolls_sideways_on_a_narrow_screen(mid_programme):
    page = mid_programme
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/program/i-lag/")
    figure = page.locator("figure.timeline-figure")
    assert figure.evaluate("f => f.scrollWidth > f.clientWidth")
    figure.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(40):  # Chromium scrolls smoothly; the CSP rules out wait_for_function
        if figure.evaluate("f => f.scrollLeft > 0"):
            break
        page.wait_for_timeout(50)
    assert figure.evaluate("f => f.scrollLeft > 0")
    assert axe_violations(page) == []


def test_overdue_page_has_no_axe_violations(mid_programme):
    page = mid_programme
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/milepeler/forfalte/")
    assert page.locator("h1").inner_text() == "Forfalte milepæler og manglende statusrapporter"
    overdue = page.get_by_role("table", name="Forfalte milepæler")
    assert overdue.get_by_role("link", name=re.compile("midtveisrapport", re.I)).first.is_visible()
    assert page.get_by_role("heading", name="Prosjekter uten godkjent statusrapport på 12 uker")
    stale = page.get_by_role("table", name="Prosjekter uten ny godkjent statusrapport")
    assert stale.get_by_role("row").count() > 1
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/overdue-page.png", full_page=True)
