"""The change history («Endringslogg») on a narrow screen: each entry reads as a block, the
change itself in sight without scrolling sideways, and it is still a table with its rows
to assistive technology; on a wide screen it keeps its four columns."""

import pytest

from evaluations.models import Milestone
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

CAPTION = "Endringer, nyeste først: når, av hvem, hva som ble endret, og gammel og ny verdi"

# The right edge of every cell of the history, and of its scrolling box's content.
EDGES = """() => {
  const table = document.querySelector('section.history table');
  const cells = [...table.querySelectorAll('th, td')].filter(c => c.offsetParent !== null);
  return {
    cells: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
    box: table.parentElement.scrollWidth - table.parentElement.clientWidth,
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
    edges = page.evaluate(EDGES)
    assert edges["cells"] <= 320 and edges["box"] == 0, edges
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert history.get_by_role("columnheader", name="Endring").is_visible()
    cells = first.locator("th, td")
    tops = {round(cells.nth(n).bounding_box()["y"]) for n in range(4)}
    assert len(tops) == 1  # the four columns side by side
