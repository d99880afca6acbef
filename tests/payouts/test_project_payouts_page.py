"""The project's payouts page and a payment request's page look each thing up once: their
query counts are the same with one payment request as with fifteen."""

import pytest
from django.urls import reverse

from payouts import services
from payouts.models import PaymentRequest
from tests.factories import DocumentFactory
from tests.paging import assert_documents_paged
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db


def add_requests(w, count):
    """`count` payment requests of 10 000 kr against the first tranche, each with the costs
    documented so far (the county pays at most half) and a document, submitted and approved
    (each orders a payout)."""
    start = PaymentRequest.objects.filter(project=w["project"]).count()
    for n in range(start, start + count):
        request = services.request_create(
            project=w["project"],
            user=w["leader"],
            tranche=w["tranches"][0],
            amount=10_000,
            comment="",
            costs={w["staff"].pk: 20_000 * (n + 1)},
        )
        DocumentFactory(project=None, payment_request=request)
        services.request_submit(
            request=request,
            version=request.version,
            user=w["leader"],
            confirmed=True,
            attachments=1,
        )
        services.request_review(request=request, user=w["adviser"], approve=True, comment="")


def count_queries(client, url) -> int:
    return queries_to_show(client, url)


# The user's session and account (2); the savepoint of the request's transaction and its
# release (2: the test runs in a transaction of its own); the user's roles and scope (2);
# the project with its agreement and programme; the grant's money; the payouts with their
# requests and tranches; the plan's tranches; the settlement (twice: the tranches' states
# and the page read it on their own); the dates the tranches' conditions were met (2); the
# payment requests (twice: for the tranches' states, and with their people for the
# table). A project leader: the project's municipalities, twice, to tell whether he may
# see the page and request a payout. Not changed by this work: it never grew. The archive's
# records of the payment orders (1) came with archiving.
PROJECT_PAYOUTS_QUERIES = {"adviser": 13, "leader": 15}


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_project_payouts_page(client, w, role):
    client.force_login(w[role])
    client.get("/konto/")  # the first view after signing in saves the session
    url = reverse("payouts:project", args=[w["project"].pk])
    add_requests(w, 1)
    one = count_queries(client, url)
    add_requests(w, 14)
    fifteen = count_queries(client, url)
    assert one == fifteen == PROJECT_PAYOUTS_QUERIES[role]


# The user's session and account (2); the savepoint and its release (2); the user's roles
# and scope (2); the request with its project, agreement, programme, tranche and people, and
# the project's municipalities (2); the documents; the request's costs with their
# categories; its payouts; their payment orders; the settlement; the grant's money.
# Before: 17 for both: each payout's project and agreement fetched again to tell whether
# the adviser may mark it paid (2 per payout), the costs read three times (the table and
# the total, twice); on a draft request a project leader had the project's municipalities
# fetched once per permission asked (3 more on the demo).
REQUEST_PAGE_QUERIES = 12


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_request_page(client, w, role):
    client.force_login(w[role])
    client.get("/konto/")
    add_requests(w, 1)
    first = PaymentRequest.objects.get()
    one = count_queries(client, first.get_absolute_url())
    add_requests(w, 14)
    fifteen = count_queries(client, first.get_absolute_url())
    assert one == fifteen == REQUEST_PAGE_QUERIES


def test_the_request_pages_documents_page_25_at_a_time(client, w):
    add_requests(w, 1)
    request = PaymentRequest.objects.get()
    client.force_login(w["adviser"])
    client.get("/konto/")

    assert_documents_paged(client, request.get_absolute_url(), payment_request=request)
