"""The long lists of the project and agreement pages, a page at a time: the links between
the pages pass axe (WCAG 2.1 AA), reflow at 320 px, and keep the other lists' pages.
The demo's lists fit on a page, so the page sizes are made small here."""

import pytest

from agreements.models import Agreement
from ilag.paging import Section
from projects.models import Project
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("portal.views.projects.REPORT_PAGES", Section("rapporter", 1))
    monkeypatch.setattr("portal.views.agreements.PROJECT_PAGES", Section("prosjekter", 2))
    monkeypatch.setattr("portal.views.agreements.MILESTONE_PAGES", Section("milepeler", 2))


def test_paged_lists_pass_axe_reflow_and_keep_the_other_pages(page, small_pages):
    agreement = Agreement.objects.get(title="Samarbeidsavtale I LAG – Meråker")
    # Two status reports.
    project = Project.objects.get(agreement=agreement, title="Prosjektledelse og prosessledelse")
    log_in(page, "radgiver")

    page.goto(f"{page.base_url}{project.get_absolute_url()}?rapporter=2")
    reports = page.get_by_role("navigation", name="Sider med statusrapporter")
    assert "Viser 2–2 av 2" in reports.inner_text()
    assert axe_violations(page) == []
    reports.get_by_role("link", name="Forrige").click()
    page.wait_for_url("**?rapporter=1#reports-heading")

    page.goto(f"{page.base_url}{agreement.get_absolute_url()}?prosjekter=2")
    projects = page.get_by_role("navigation", name="Sider med prosjekter")
    assert "Viser 3–4 av 4" in projects.inner_text()
    page.get_by_role("navigation", name="Sider med milepæler").get_by_role(
        "link", name="Neste"
    ).click()
    page.wait_for_url("**?prosjekter=2&milepeler=2#milestones-heading")
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 800})
    for path in (project.get_absolute_url() + "?rapporter=2", page.url):
        page.goto(path if path.startswith("http") else f"{page.base_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
