"""The settlement arithmetic in whole kroner: the Troms rule (the county covers at most
50 % of the total costs) and a programme without a cap, with rounding."""

import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

from payouts.money import cost_ceiling, settle, tranche_amounts


def tranche(pk, *, percent=None, amount=None, is_final=False):
    return SimpleNamespace(
        pk=pk,
        percent=None if percent is None else Decimal(percent),
        amount=amount,
        is_final=is_final,
    )


def test_ceiling_is_half_of_documented_costs_rounded_down():
    assert cost_ceiling(1_000_001, 50) == 500_000
    assert cost_ceiling(999, 50) == 499


def test_ceiling_without_cap_is_the_documented_costs():
    assert cost_ceiling(812_345, None) == 812_345


def test_lower_costs_reduce_the_grant_to_half_and_claim_back_the_excess():
    # Troms: granted 500 000 on a budget of 1 000 000; 450 000 paid; costs came to 700 001.
    figures = settle(granted=500_000, documented=700_001, cap_percent=50, paid_before=450_000)
    assert figures.ceiling == 350_000
    assert figures.allowed == 350_000
    assert figures.final_payment == 0
    assert figures.clawback == 100_000
    assert figures.reduced


def test_costs_as_budgeted_pay_the_rest_of_the_grant():
    figures = settle(granted=500_000, documented=1_000_000, cap_percent=50, paid_before=300_000)
    assert (figures.allowed, figures.final_payment, figures.clawback) == (500_000, 200_000, 0)
    assert not figures.reduced


def test_costs_above_budget_never_raise_the_grant():
    figures = settle(granted=500_000, documented=3_000_000, cap_percent=50, paid_before=0)
    assert figures.allowed == 500_000


def test_without_cap_the_county_pays_at_most_the_documented_costs():
    figures = settle(granted=400_000, documented=250_000, cap_percent=None, paid_before=300_000)
    assert (figures.allowed, figures.final_payment, figures.clawback) == (250_000, 0, 50_000)


def test_a_smaller_final_request_settles_the_grant_at_what_was_asked():
    figures = settle(
        granted=500_000,
        documented=1_000_000,
        cap_percent=50,
        paid_before=300_000,
        requested=150_000,
    )
    assert (figures.allowed, figures.final_payment, figures.clawback) == (450_000, 150_000, 0)


@pytest.mark.parametrize("cap", [50, None, 33, 100, 0])
def test_payouts_and_clawbacks_never_exceed_the_cap_of_documented_costs(cap):
    """For every combination: what is paid in all (before + final − claw-back) is the
    settled grant, which is within the grant and within the cap of documented costs."""
    grants = [0, 1, 3, 99_999, 500_000, 1_234_567]
    documented = [0, 1, 3, 7, 199_999, 1_000_001, 2_469_135]
    paid = [0, 1, 250_000, 617_284, 1_234_567]
    for granted, costs, before in itertools.product(grants, documented, paid):
        if before > granted:
            continue
        f = settle(granted=granted, documented=costs, cap_percent=cap, paid_before=before)
        total = before + f.final_payment - f.clawback
        assert total == f.allowed
        assert f.allowed <= granted
        assert f.allowed <= cost_ceiling(costs, cap)
        assert f.final_payment >= 0 and f.clawback >= 0
        assert not (f.final_payment and f.clawback)
        assert isinstance(f.allowed, int) and isinstance(f.clawback, int)


def test_tranches_add_up_to_the_grant_with_odd_kroner():
    plan = [tranche(1, percent="33.33"), tranche(2, percent="33.33"), tranche(3, is_final=True)]
    amounts = tranche_amounts(plan, 100_001)
    assert amounts == {1: 33_330, 2: 33_330, 3: 33_341}
    assert sum(amounts.values()) == 100_001


def test_tranche_amounts_never_exceed_the_grant():
    plan = [tranche(1, amount=80_000), tranche(2, amount=50_000), tranche(3, is_final=True)]
    assert tranche_amounts(plan, 100_000) == {1: 80_000, 2: 20_000, 3: 0}
