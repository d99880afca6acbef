"""The pages that only read run outside ATOMIC_REQUESTS' transaction (no BEGIN and COMMIT
round trips), and so must refuse every method that could write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tests.factories import AgreementFactory, ProjectFactory, following

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pages():
    project = ProjectFactory()
    agreement = project.agreement
    return following(agreement.programme), [
        "/",
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        agreement.get_absolute_url(),
        agreement.programme.get_absolute_url(),
        project.municipalities.first().get_absolute_url(),
        f"/utbetalinger/prosjekt/{project.pk}/",
        reverse("evaluations:overdue"),
    ]


def test_read_only_pages_open_no_transaction_and_refuse_writes(client, pages):
    adviser, urls = pages
    client.force_login(adviser)
    client.get("/konto/")  # the first view after signing in saves the session
    for url in urls:
        assert getattr(resolve(url.split("?")[0]).func, "_non_atomic_requests", None), url
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        sql = [q["sql"].upper() for q in queries.captured_queries]
        assert not [q for q in sql if q.startswith(("BEGIN", "SAVEPOINT"))], url
        assert client.post(url).status_code == 405, url


def test_a_form_page_keeps_its_transaction(client, pages):
    adviser, _urls = pages
    project = ProjectFactory(agreement=AgreementFactory(programme=adviser.programmes.first()))
    url = reverse("projects:update", args=[project.pk])
    assert not getattr(resolve(url).func, "_non_atomic_requests", None)
