"""Each role's main pages as its users meet them, in bokmål and in nynorsk: at 320 CSS
pixels (WCAG 2.1 1.4.10, reflow) no page scrolls sideways and the menu is folded behind
«Meny»; at 1366 px the header keeps to one line; every page is axe-clean (WCAG 2.1 A and
AA). The dashboard's chart labels are at least 12 px, and a committee reader lands on
the last meeting's report."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from projects.models import Project
from reports.models import ReportOrder
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

# The heading each language gives the role's landing page.
LANDING = {
    "radgiver": {"nb": "Oversikt: Distriktssatsinga I LAG, ny runde", "nn": "Oversikt:"},
    "leder.snasa": {"nb": "Mine prosjekter", "nn": "Mine prosjekt"},
    "politiker": {"nb": "Saker til politisk behandling", "nn": "Saker til politisk handsaming"},
    "partner": {"nb": "Program", "nn": "Program"},
}


def main_pages(username) -> list[str]:
    joint = Project.objects.get(title="Felles rekrutteringskampanje")
    common = ["/program/", "/program/i-lag-ny-runde/", "/kommuner/", "/prosjekter/"]
    return {
        "radgiver": [
            "/",
            *common,
            "/kommuner/5041/",
            joint.get_absolute_url(),
            reverse("reports:list"),
            reverse("reports:committee"),
            reverse("payouts:list"),
            reverse("evaluations:overdue"),
            reverse("accounts:user-list"),
            reverse("accounts:profile"),
        ],
        "leder.snasa": [
            reverse("projects:mine"),
            *common,
            joint.get_absolute_url(),
            reverse("reports:list"),
            reverse("accounts:profile"),
        ],
        "politiker": [reverse("reports:committee"), *common, "/kommuner/5034/"],
        "partner": [*common],
    }[username]


def use_language(username, language):
    User.objects.filter(username=username).update(language=language)


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("username", ["radgiver", "leder.snasa", "politiker", "partner"])
def test_main_pages_reflow_at_320_px_and_pass_axe_in_bokmal_and_nynorsk(page, username):
    page.set_viewport_size({"width": 320, "height": 800})
    problems = []
    for language in ("nb", "nn"):
        use_language(username, language)
        page.context.clear_cookies()
        log_in(page, username)
        assert LANDING[username][language] in page.locator("h1").inner_text()
        for path in main_pages(username):
            page.goto(f"{page.base_url}{path}")
            assert page.locator("html").get_attribute("lang") == language, path
            if sideways(page) > 320:
                problems.append(f"{language} {path}: {sideways(page)} px wide")
            # The menu is folded: its links are hidden until «Meny» opens it.
            assert page.locator("#portal-menu").is_hidden(), path
            problems += [f"{language} {path}: {v}" for v in axe_violations(page)]
    assert problems == []


def test_menu_opens_by_keyboard_at_320_px(page):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, "radgiver")
    button = page.get_by_role("button", name="Meny")
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    page.locator("#portal-menu").wait_for(state="visible")
    assert button.get_attribute("aria-expanded") == "true"
    assert sideways(page) <= 320
    assert axe_violations(page) == []
    page.get_by_role("link", name="Kommuner").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/kommuner/")
    assert page.locator("h1").inner_text() == "Kommuner"


def test_list_filters_fold_behind_a_button_at_320_px(page):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/prosjekter/")
    filters = page.locator("#list-filters")
    assert filters.is_hidden()
    page.get_by_role("button", name="Filtre").click()
    # Bootstrap's collapse gives the form «show» when it has finished opening.
    expect(filters).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_label("Status", exact=True).select_option("active")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**status=active**")
    # Filters in use stay open, and the button says how many.
    assert filters.is_visible()
    assert page.get_by_role("button", name="Filtre (1 i bruk)").is_visible()
    assert sideways(page) <= 320
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/prosjekter/")
    assert filters.is_visible()  # wide enough: always shown


def test_header_keeps_to_one_line_at_1366_px(page):
    page.set_viewport_size({"width": 1366, "height": 800})
    for username in ("radgiver", "leder.snasa", "politiker"):
        for language in ("nb", "nn"):
            use_language(username, language)
            page.context.clear_cookies()
            log_in(page, username)
            brand = page.locator(".portal-brand").bounding_box()
            logout = page.get_by_role("button", name="Logg ut").bounding_box()
            name = page.locator(".portal-user a").bounding_box()
            # The name and the log-out button sit on the brand's line, the name on one.
            where = (username, language, brand, logout, name)
            assert abs(logout["y"] - brand["y"]) < brand["height"], where
            assert name["height"] < 2 * brand["height"] * 0.8, where


def test_dashboard_chart_labels_are_at_least_12_px(page):
    log_in(page, "radgiver")
    for width in (1366, 1280, 1024, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{page.base_url}/")
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.chart-scroll svg text')].map(t => {
                const m = t.getScreenCTM();
                return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
            })"""
        )
        assert sizes, width
        assert min(sizes) >= 12, (width, min(sizes))
        assert sideways(page) <= width


def test_committee_reader_finds_last_meetings_report_on_the_first_page(page, settings):
    settings.DEMO_RENDER_REPORTS = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    # An adviser's own ad-hoc report, ready but not put before the committee.
    final = ReportOrder.objects.filter(is_final=True).first()
    ReportOrder.objects.create(
        kind=ReportOrder.Kind.PROGRAMME,
        programme=final.programme,
        ordered_by=final.ordered_by,
        status=ReportOrder.Status.READY,
        file=final.file.name,
        assessment="Internt utkast",
    )
    log_in(page, "politiker")
    assert page.locator("h1").inner_text() == "Saker til politisk behandling"
    meetings = page.locator("main section h2").all_inner_texts()
    assert len(meetings) == 2 and all("Hovedutvalg for næring, møte" in m for m in meetings)
    first, second = (m.rsplit(" ", 1)[1] for m in meetings)
    day = lambda text: tuple(reversed(text.split(".")))  # noqa: E731
    assert day(first) > day(second)  # newest first
    assert page.get_by_text("Rådgivers vurdering:").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF-en").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert axe_violations(page) == []
    # Ad-hoc orders are the advisers' own: not listed for the committee.
    assert "Internt utkast" not in page.content()
    page.goto(f"{page.base_url}{reverse('reports:list')}")
    assert page.locator("table tbody tr").count() == 2


def test_error_pages_are_bokmal_in_the_portals_layout_with_a_way_back(page, settings):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, "leder.snasa")

    def check(heading):
        assert page.locator("h1").inner_text() == heading
        assert page.locator("header.portal-header").count() == 1  # the portal's layout
        assert page.get_by_role("link", name="Til forsiden").count() >= 1  # a way back
        assert sideways(page) <= 320
        assert axe_violations(page) == []

    assert page.goto(f"{page.base_url}/finnes-ikke/").status == 404
    check("Fant ikke siden")
    assert page.goto(f"{page.base_url}{reverse('payouts:list')}").status == 403
    check("Du har ikke tilgang til dette")
    # A form sent without its CSRF token.
    page.goto(f"{page.base_url}{reverse('accounts:profile')}")
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.querySelector('main form');
                form.querySelector('[name=csrfmiddlewaretoken]').remove();
                form.submit();
            }"""
        )
    assert "Forbidden" not in page.content()
    assert page.locator("main a").count() >= 1 and sideways(page) <= 320
    assert axe_violations(page) == []
    # Locked out after too many wrong passwords.
    settings.AXES_FAILURE_LIMIT = 3
    page.context.clear_cookies()
    for _ in range(3):
        log_in(page, "partner", password="feil")
    assert page.locator("h1").inner_text() == "For mange mislykkede innlogginger"
    assert page.get_by_role("link", name="Glemt passord").count() >= 1
    assert sideways(page) <= 320
    assert axe_violations(page) == []
