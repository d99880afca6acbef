"""Drop-downs and checkbox lists of rows read their choices in one ordinary query, not
through a server-side cursor (Django's `QuerySet.iterator()`: a DECLARE, FETCHes and a
CLOSE for a handful of rows), on the edit pages as on the lists' filters. (A crawl of the demo's pages for an adviser
and two project leaders found no other server-side cursor.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProjectFactory, following, leader

pytestmark = pytest.mark.django_db


def cursors(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("DECLARE")]


def test_form_pages_read_their_choices_without_a_server_side_cursor(client):
    project = ProjectFactory()
    agreement = project.agreement
    adviser = following(agreement.programme)
    other = leader(project.municipalities.first())
    client.force_login(adviser)
    client.get("/konto/")
    pages = [
        f"/prosjekter/{project.pk}/rediger/",
        f"/prosjekter/ny/avtale/{agreement.pk}/",
        f"/milepeler/avtale/{agreement.pk}/ny/",
        "/rapporter/bestill/",
        "/brukere/inviter/",
        f"/brukere/{other.pk}/",
        "/program/ny/",
        f"/program/{agreement.programme.slug}/avtaler/ny/",
    ]
    found = {url: cursors(client, url) for url in pages}
    assert found == {url: [] for url in pages}
