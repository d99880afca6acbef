"""Pages use the same number of SQL queries with 20 projects and with 5 000."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User

PAGES = [
    "/?program=syntetisk",
    "/",
    "/prosjekter/",
    "/prosjekter/?program=syntetisk&sorter=-budsjett",
    "/prosjekter/?q=prosjekt&status=active",
    "/avtaler/?program=syntetisk",
    "/milepeler/?status=overdue",
    "/prosjekter/statusrapporter/",
    "/kommuner/",
    "/program/syntetisk/",
]
# The dashboard is the most: 20, and 4 for the grants' payouts (the programme's total
# summed by the database, the page's municipalities' projects, and their shares).
MAX_QUERIES = 24


def query_counts(client) -> dict[str, int]:
    """Counted on a cold cache: the dashboard computes everything."""
    counts = {}
    for url in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, monkeypatch):
    # However long the seeding takes, no page view in the counts slides the session.
    monkeypatch.setattr("accounts.middleware.refresh_interval", lambda: 24 * 60 * 60)
    call_command("seed_demo", "--projects", "20", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(username="radgiver"))
    client.get("/konto/")  # the first view after signing in saves the session
    small = query_counts(client)
    call_command("seed_demo", "--projects", "5000", stdout=open("/dev/null", "w"))
    large = query_counts(client)
    assert large == small
    too_many = {url: n for url, n in large.items() if n > MAX_QUERIES}
    assert not too_many, too_many
