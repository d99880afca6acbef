"""Counting a page's SQL queries, for the tests that a page's count does not grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_to_show(client, url) -> int:
    """The queries of one GET of `url`, which must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)
