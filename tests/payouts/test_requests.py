"""Payment requests against a payout plan: the rules checked on submission and again on
approval, the payout ordered, marked paid once, and the final settlement with claw-back."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import Milestone, MilestoneReport
from ilag.review import ReviewStatus
from payouts import services
from payouts.models import PaymentRequest, Payout, Settlement, Tranche
from projects.models import ProgressReport
from tests.factories import (
    AgreementFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 1)


def create(w, tranche_index=0, amount=200_000, costs=None, **extra):
    costs = {w["staff"].pk: 400_000} if costs is None else costs
    return services.request_create(
        project=w["project"],
        user=w["leader"],
        tranche=w["tranches"][tranche_index],
        amount=amount,
        comment="",
        costs=costs,
        **extra,
    )


def submit(w, request, attachments=1):
    return services.request_submit(
        request=request,
        version=request.version,
        user=w["leader"],
        confirmed=True,
        attachments=attachments,
    )


def approve(w, request):
    return services.request_review(request=request, user=w["adviser"], approve=True, comment="")


def pay(w, payout, voucher):
    return services.payout_mark_paid(
        payout=payout,
        version=payout.version,
        user=w["adviser"],
        paid_on=timezone.localdate(),
        voucher_number=voucher,
    )


def approve_midterm(w):
    milestone = Milestone.objects.create(
        agreement=w["agreement"], kind=Milestone.Kind.MIDTERM_REPORT, due_date=D(2026, 1, 15)
    )
    MilestoneReport.objects.create(
        milestone=milestone, status=ReviewStatus.APPROVED, reviewed_at=timezone.now()
    )


def approve_final_report(w):
    ProgressReport.objects.create(
        project=w["project"],
        period_start=D(2026, 1, 1),
        period_end=D(2026, 11, 30),
        is_final=True,
        status=ReviewStatus.APPROVED,
        reviewed_at=timezone.now(),
    )


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_the_first_tranche_can_be_requested_once_the_agreement_is_signed(w):
    request = submit(w, create(w))
    assert request.status == ReviewStatus.SUBMITTED
    assert services.project_money(w["project"]).requested == 200_000


def test_a_request_before_its_condition_is_met_is_refused_at_the_tranche(w):
    errors = errors_of(lambda: create(w, tranche_index=1, amount=100_000))
    assert "midtveisrapport" in errors["tranche"][0]
    assert not PaymentRequest.objects.exists()


def test_a_request_above_the_tranche_is_refused_with_what_is_left(w):
    errors = errors_of(lambda: create(w, amount=200_001))
    assert "kr\xa0200\xa0000" in errors["amount"][0]
    assert not PaymentRequest.objects.exists()


def test_a_request_above_the_cap_of_documented_costs_is_refused(w):
    errors = errors_of(lambda: create(w, amount=200_000, costs={w["staff"].pk: 399_999}))
    assert "50 %" in errors["amount"][0]
    assert not PaymentRequest.objects.exists()


def test_costs_in_an_ineligible_category_are_refused_at_that_category(w):
    errors = errors_of(lambda: create(w, costs={w["staff"].pk: 400_000, w["operating"].pk: 10_000}))
    assert list(errors) == [f"cost_{w['operating'].pk}"]
    assert w["operating"].name in errors[f"cost_{w['operating'].pk}"][0]
    assert not PaymentRequest.objects.exists()


def test_submission_needs_the_confirmation(w):
    request = create(w)
    errors = errors_of(
        lambda: services.request_submit(
            request=request,
            version=request.version,
            user=w["leader"],
            confirmed=False,
            attachments=0,
        )
    )
    assert "confirmed" in errors
    request.refresh_from_db()
    assert request.status == ReviewStatus.DRAFT


def test_approval_orders_the_payout_and_marking_it_paid_twice_is_refused(w):
    request = approve(w, submit(w, create(w)))
    payout = Payout.objects.get(request=request)
    assert payout.amount == 200_000 and payout.kind == Payout.Kind.PAYMENT
    money = services.project_money(w["project"])
    assert (money.ordered, money.paid, money.remaining) == (200_000, 0, 300_000)
    paid = pay(w, payout, "B-1001")
    errors = errors_of(lambda: pay(w, paid, "B-1002"))
    assert "B-1001" in errors["paid_on"][0]
    paid.refresh_from_db()
    assert paid.voucher_number == "B-1001"
    money = services.project_money(w["project"])
    assert (money.ordered, money.paid, money.remaining) == (0, 200_000, 300_000)


def test_approval_checks_the_rules_again(w):
    request = submit(w, create(w))
    # Meanwhile the grant is cut below what was requested (a change request, say).
    w["project"].granted_amount = 100_000
    w["project"].save()
    with pytest.raises(ValidationError):
        approve(w, request)
    request.refresh_from_db()
    assert request.status == ReviewStatus.SUBMITTED
    assert not Payout.objects.exists()


def test_a_second_final_payment_is_refused(w):
    approve_final_report(w)
    first = create(w, tranche_index=2, amount=250_000, costs={w["staff"].pk: 1_000_000})
    submit(w, first)
    errors = errors_of(
        lambda: create(w, tranche_index=2, amount=1, costs={w["staff"].pk: 1_000_000})
    )
    assert "tranche" in errors or "amount" in errors
    assert PaymentRequest.objects.filter(is_final=True).count() == 1


def test_the_final_payment_needs_the_accounts_attached(w):
    approve_final_report(w)
    request = create(w, tranche_index=2, amount=100_000, costs={w["staff"].pk: 1_000_000})
    errors = errors_of(lambda: submit(w, request, attachments=0))
    assert "documents" in errors


def test_final_settlement_with_lower_costs_claws_back_what_was_paid_above_half(w):
    first = approve(w, submit(w, create(w, amount=200_000, costs={w["staff"].pk: 400_000})))
    pay(w, first.payouts.get(), "B-1")
    approve_midterm(w)
    second = approve(
        w, submit(w, create(w, tranche_index=1, amount=200_000, costs={w["staff"].pk: 800_000}))
    )
    pay(w, second.payouts.get(), "B-2")
    approve_final_report(w)
    # The costs came to 600 000 in the end (some were withdrawn): half is 300 000.
    errors = errors_of(lambda: create(w, tranche_index=2, amount=1, costs={w["staff"].pk: 600_000}))
    assert "kr\xa00" in errors["amount"][0]
    final = create(w, tranche_index=2, amount=0, costs={w["staff"].pk: 600_000})
    approve(w, submit(w, final))
    settlement = Settlement.objects.get(project=w["project"])
    assert (settlement.allowed, settlement.final_payment, settlement.clawback) == (
        300_000,
        0,
        100_000,
    )
    clawback = Payout.objects.get(kind=Payout.Kind.CLAWBACK)
    assert clawback.amount == -100_000 and clawback.reason
    money = services.project_money(w["project"])
    assert money.granted == 300_000
    assert money.paid + money.ordered == 300_000
    assert money.remaining == 0
    # Nothing more can be requested on a settled grant.
    errors = errors_of(lambda: create(w, amount=1))
    assert "__all__" in errors


def test_final_payment_pays_the_rest_when_costs_came_in_as_budgeted(w):
    first = approve(w, submit(w, create(w, amount=200_000)))
    pay(w, first.payouts.get(), "B-1")
    approve_final_report(w)
    final = approve(
        w, submit(w, create(w, tranche_index=2, amount=300_000, costs={w["staff"].pk: 1_000_000}))
    )
    assert final.payouts.get().amount == 300_000
    assert Settlement.objects.get().allowed == 500_000
    assert services.project_money(w["project"]).remaining == 0


def test_returned_request_can_be_changed_and_submitted_again(w):
    request = submit(w, create(w))
    services.request_review(request=request, user=w["adviser"], approve=False, comment="Vedlegg?")
    request.refresh_from_db()
    saved = services.request_save(
        request=request,
        version=request.version,
        user=w["leader"],
        tranche=w["tranches"][0],
        amount=150_000,
        comment="Rettet",
        costs={w["staff"].pk: 400_000},
    )
    assert submit(w, saved).status == ReviewStatus.SUBMITTED


def test_a_new_agreement_starts_from_the_programmes_default_plan(w):
    services.plan_save(
        holder=w["programme"],
        entries=[
            services.TrancheEntry("Ved signering", Decimal(50), None, False, "signed", "", None),
            services.TrancheEntry("", None, None, True, "final_report", "", None),
        ],
        user=w["adviser"],
    )
    agreement = AgreementFactory(programme=w["programme"])
    copies = services.plan_copy(source=w["programme"], target=agreement, user=w["adviser"])
    assert [(t.label, t.percent, t.is_final) for t in copies] == [
        ("Ved signering", Decimal(50), False),
        ("", None, True),
    ]


def test_a_plan_without_exactly_one_final_payment_is_refused(w):
    with pytest.raises(services.PlanError) as caught:
        services.plan_save(
            holder=w["agreement"],
            entries=[services.TrancheEntry("", Decimal(50), None, False, "signed", "", None)],
            user=w["adviser"],
        )
    assert "__all__" in caught.value.plan_errors


def entry_of(tranche, **changes):
    values = {name: getattr(tranche, name) for name in services.PLAN_FIELDS}
    return services.TrancheEntry(**{**values, **changes}, pk=tranche.pk)


def test_a_tranche_removed_from_the_middle_leaves_the_others_as_they_were(w):
    first, second, final = w["tranches"]
    kept = services.plan_save(
        holder=w["agreement"], entries=[entry_of(first), entry_of(final)], user=w["adviser"]
    )
    assert [t.pk for t in kept] == [first.pk, final.pk]
    assert [t.pk for t in w["agreement"].tranches.all()] == [first.pk, final.pk]
    assert not Tranche.objects.filter(pk=second.pk).exists()


def test_a_plan_saved_by_someone_else_meanwhile_is_not_overwritten(w):
    first, second, final = w["tranches"]
    opened = services.plan_fingerprint(w["agreement"])
    services.plan_save(
        holder=w["agreement"],
        entries=[entry_of(first, label="Ved signering"), entry_of(second), entry_of(final)],
        user=w["adviser"],
        opened_with=opened,
    )
    with pytest.raises(services.PlanError) as caught:
        services.plan_save(
            holder=w["agreement"],
            entries=[entry_of(first, label="Første del"), entry_of(second), entry_of(final)],
            user=w["adviser"],
            opened_with=opened,
        )
    assert caught.value.stale
    first.refresh_from_db()
    assert first.label == "Ved signering"


def test_a_tranche_with_an_approved_request_cannot_change(w):
    approve(w, submit(w, create(w)))
    first, second, final = w["tranches"]
    with pytest.raises(services.PlanError):
        services.plan_save(
            holder=w["agreement"],
            entries=[entry_of(first, percent=Decimal(10)), entry_of(second), entry_of(final)],
            user=w["adviser"],
        )
    first.refresh_from_db()
    assert first.percent == Decimal(40)
