"""Splitting kroner by shares: whole kroner that always add up to the whole."""

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from projects.shares import allocate, effective_shares, equal_shares


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        (100, [(1, Decimal(60)), (2, Decimal(40))], {1: 60, 2: 40}),
        # 1/3 each of 100: the lead (first) gets the odd krone.
        (
            100,
            [(1, Decimal("33.34")), (2, Decimal("33.33")), (3, Decimal("33.33"))],
            {1: 34, 2: 33, 3: 33},
        ),
        (1, [(1, Decimal(50)), (2, Decimal(50))], {1: 1, 2: 0}),
        (1_000_001, [(1, Decimal("33.33")), (2, Decimal("66.67"))], {1: 333_300, 2: 666_701}),
        (0, [(1, Decimal(70)), (2, Decimal(30))], {1: 0, 2: 0}),
        # Any weights, such as category amounts; all zero means equal parts.
        (10, [("a", 1), ("b", 2)], {"a": 3, "b": 7}),
        (5, [("a", 0), ("b", 0)], {"a": 3, "b": 2}),
    ],
)
def test_allocate_gives_whole_kroner_that_sum_to_the_amount(amount, weights, expected):
    parts = allocate(amount, weights)
    assert parts == expected
    assert sum(parts.values()) == amount


def by_fractions(amount, weights):
    """The split as the method defines it, in exact fractions (slow, and plain)."""
    total = sum(Fraction(w) for _k, w in weights)
    if total == 0:
        weights, total = [(k, 1) for k, _w in weights], len(weights)
    raw = [(k, Fraction(amount) * Fraction(w) / total) for k, w in weights]
    parts = {k: math.floor(v) for k, v in raw}
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - math.floor(raw[i][1])), i))
    for i in order[: amount - sum(parts.values())]:
        parts[raw[i][0]] += 1
    return parts


def test_allocate_in_integers_splits_as_exact_fractions_do():
    """`allocate` works in integers for speed; on thousands of random splits (percents
    with two decimals, thirds, whole-number weights, zeros, negative amounts) it gives
    the same kroner as exact fractions."""
    rng = random.Random(16)
    for _ in range(20_000):
        n = rng.randint(1, 6)
        weights = rng.choice(
            [
                [(k, Decimal(rng.randint(0, 10_000)) / 100) for k in range(n)],
                [(k, rng.randint(0, 5)) for k in range(n)],
                [(k, Decimal(100) / 3) for k in range(n)],
                [(k, 0) for k in range(n)],
            ]
        )
        amount = rng.choice([0, 1, 2, 7, 99_999, rng.randint(-(10**7), 10**9)])
        assert allocate(amount, weights) == by_fractions(amount, weights), (amount, weights)


def test_equal_shares_sum_to_exactly_100():
    shares = equal_shares([5, 6, 7])
    assert [s for _, s in shares] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(s for _, s in shares) == 100


def test_recorded_shares_count_only_when_they_match_the_participants_and_sum_to_100():
    assert effective_shares([1, 2], {1: Decimal(70), 2: Decimal(30)}, 2) == [
        (2, Decimal(30)),
        (1, Decimal(70)),
    ]
    # A participant added without a share, or shares off 100: split equally, lead first.
    assert effective_shares([1, 2, 3], {1: Decimal(70), 2: Decimal(30)}, 3)[0] == (
        3,
        Decimal("33.34"),
    )
    assert effective_shares([1, 2], {1: Decimal(70), 2: Decimal(20)}, 1) == [
        (1, Decimal(50)),
        (2, Decimal(50)),
    ]
    assert effective_shares([4], {}, None) == [(4, Decimal(100))]
