"""Tables that stack on a narrow screen («table-stack»): the change history
(«Endringslogg»), the user list, «Mine prosjekter», «Frister», «Utbetalinger» and a
milestone's reminders. Below 576 px each row reads as a block, every cell in
sight without scrolling sideways, and it is still a table with its rows to assistive
technology; on a wide screen it keeps its columns."""

import pytest

from evaluations.models import Milestone
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

CAPTION = "Endringer, nyeste først: når, av hvem, hva som ble endret, og gammel og ny verdi"

# The right edge of every cell of the tables, and how far their scrolling boxes scroll.
EDGES = """(selector) => {
  const tables = [...document.querySelectorAll(selector)];
  const cells = tables.flatMap(t => [...t.querySelectorAll('th, td')])
    .filter(c => c.offsetParent !== null);
  return {
    tables: tables.length,
    cells: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
    box: Math.max(...tables.map(t => t.parentElement.scrollWidth - t.parentElement.clientWidth)),
  };
}"""


def test_the_history_stacks_at_320_px_and_stays_a_table(page):
    milestone = Milestone.objects.filter(report__isnull=False).order_by("pk").first()
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}{milestone.get_absolute_url()}")

    history = page.get_by_role("table", name=CAPTION)
    rows = history.get_by_role("row")
    assert rows.count() > 3  # the header row and the entries
    assert history.get_by_role("columnheader", name="Endring").count() == 1
    first = rows.nth(1)
    assert first.get_by_role("rowheader").count() == 1
    assert first.get_by_role("cell").count() == 3
    edges = page.evaluate(EDGES, "section.history table")
    assert edges["cells"] <= 320 and edges["box"] == 0, edges
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert history.get_by_role("columnheader", name="Endring").is_visible()
    cells = first.locator("th, td")
    tops = {round(cells.nth(n).bounding_box()["y"]) for n in range(4)}
    assert len(tops) == 1  # the four columns side by side


def test_the_user_list_stacks_at_320_px_with_each_cells_name(page):
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}/brukere/")

    users = page.get_by_role("table", name="Brukere av portalen")
    leader = users.get_by_role("row").filter(has_text="leder.snasa")
    assert leader.get_by_role("rowheader").count() == 1
    role = leader.get_by_role("cell").nth(1)
    assert role.inner_text() == "Prosjektleder"
    # Its column's name shown before it (data-label), and not read out a second time.
    label = role.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.startswith('"Rolle: "'), label
    edges = page.evaluate(EDGES, "main table")
    assert edges["cells"] <= 320 and edges["box"] == 0, edges
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("user", "path", "tables"),
    [
        ("leder.snasa", "/prosjekter/mine/", 1),
        ("radgiver", "/milepeler/forfalte/", 2),
        ("radgiver", "/utbetalinger/", 3),
    ],
)
def test_work_lists_stack_at_320_px(page, user, path, tables):
    log_in(page, user)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}{path}")
    edges = page.evaluate(EDGES, "main table.table-stack")
    assert edges["tables"] == tables, edges
    assert edges["cells"] <= 320 and edges["box"] == 0, edges
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
