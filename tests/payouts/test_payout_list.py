"""«Utbetalinger»: the advisers' work queues, paged, with the total still of them all."""

import datetime

import pytest
from django.utils import timezone

from payouts.models import PaymentRequest, Payout
from tests.paging import assert_two_pages
from tests.queries import computed, queries_to_show

pytestmark = pytest.mark.django_db


def add_work(w, count: int, *, start: int = 0) -> tuple[list, list]:
    """`count` payment requests waiting (sent an hour apart), and `count` approved ones
    with their payouts ordered and not paid (due a day apart, 1 000 kr more each), the
    first numbered `start`."""
    project, tranche = w["project"], w["tranches"][0]
    begin = timezone.now() - datetime.timedelta(days=60)
    pending, payouts = [], []
    for n in range(start, start + count):
        pending.append(
            PaymentRequest.objects.create(
                project=project,
                tranche=tranche,
                amount=1_000 + n,
                status="submitted",
                submitted_at=begin + datetime.timedelta(hours=n),
            )
        )
        approved = PaymentRequest.objects.create(
            project=project, tranche=tranche, amount=10_000, status="approved"
        )
        payouts.append(
            Payout.objects.create(
                project=project,
                request=approved,
                kind=Payout.Kind.PAYMENT,
                amount=1_000 * (n + 1),
                due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            )
        )
    return pending, payouts


def test_the_work_queues_page_25_at_a_time_under_the_total_of_them_all(w, client):
    client.force_login(w["adviser"])
    client.get("/konto/")  # the first view after signing in saves the session
    add_work(w, 2)
    few = queries_to_show(client, "/utbetalinger/")
    add_work(w, 28, start=2)
    assert queries_to_show(client, "/utbetalinger/") == few
    assert queries_to_show(client, "/utbetalinger/?anmodninger=2&utbetalinger=2") == few

    pending = list(PaymentRequest.objects.filter(status="submitted").order_by("submitted_at"))
    payouts = list(Payout.objects.order_by("due_date", "pk"))
    assert len(pending) == len(payouts) == 30

    def get(query):
        response = computed(client, "/utbetalinger/", query)
        return response.context, response.content.decode()

    assert_two_pages(
        get, parameter="anmodninger", anchor="pending-heading", key="pending", rows=pending
    )
    html = assert_two_pages(
        get, parameter="utbetalinger", anchor="topay-heading", key="to_pay", rows=payouts
    )
    # The sum of all 30 (1 000 + 2 000 + … + 30 000), not of the page's five.
    assert "30 utbetalinger er anvist og ikke betalt ennå: kr\xa0465\xa0000 til sammen." in html
    # Paging one list leaves the other where it was.
    response = client.get("/utbetalinger/", {"anmodninger": 2, "utbetalinger": 1})
    assert list(response.context["pending"]) == pending[25:]
    assert list(response.context["to_pay"]) == payouts[:25]
