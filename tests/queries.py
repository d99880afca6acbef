"""Counting a page's SQL queries, for the tests that a page's count does not grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ilag.cache import bump_data_version


def queries_to_show(client, url) -> int:
    """The queries of one GET of `url`, which must answer 200, computed from the data
    (a page kept in the cache since the last change would be served from it)."""
    with CaptureQueriesContext(connection) as queries:
        response = computed(client, url)  # renewing the version is no SQL query
    assert response.status_code == 200, url
    return len(queries)


def computed(client, url, query=None):
    """A GET of `url` computed from the data, with its template context: the data version
    renewed first, so that a page kept in the cache is not served (ilag.views)."""
    bump_data_version()
    return client.get(url, query or {})
