"""Checking one of several paged lists on a detail page (ilag.paging)."""

from tests.queries import computed, queries_to_show


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


def assert_documents_paged(client, url: str, **parent) -> None:
    """A page listing a thing's documents (`documents/_documents.html`): as many queries
    with 2 documents as with 30, and the 30 on two pages, newest first. `parent`: the
    document's field for the thing, and the thing (`payment_request=request`)."""
    from tests.factories import DocumentFactory

    (thing,) = parent.values()

    def attach(count):
        for _ in range(count):
            DocumentFactory(project=None, **parent)
        return thing.documents.all()

    thing.documents.all().delete()
    attach(2)
    two = queries_to_show(client, url)
    documents = list(attach(28).order_by("-uploaded_at", "-pk"))
    assert queries_to_show(client, url) == two
    assert queries_to_show(client, f"{url}?dokumenter=2") == two

    def get(query):
        response = computed(client, url, query)
        return response.context, response.content.decode()

    assert_two_pages(
        get, parameter="dokumenter", anchor="documents-heading", key="documents", rows=documents
    )
