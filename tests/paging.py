"""Checking one of several paged lists on a detail page (ilag.paging)."""


def assert_two_pages(get, *, parameter: str, anchor: str, key: str, rows: list) -> str:
    """A list of `rows` (26 to 50) paged 25 at a time: the first page shows the first 25,
    says so and links to the second; the second shows the rest. `get(query)` answers
    (context, html) for the page with `query`. Returns the second page's html."""
    total = len(rows)
    context, html = get({})
    assert list(context[key]) == rows[:25]
    assert f"Viser 1–25 av {total}" in html
    assert f'<a class="page-link" href="?{parameter}=2#{anchor}">Neste</a>' in html

    context, html = get({parameter: 2})
    assert list(context[key]) == rows[25:]
    assert f"Viser 26–{total} av {total}" in html
    return html
