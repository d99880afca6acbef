"""The arithmetic of a grant's payouts, in whole kroner, free of the database: what each
tranche of a plan is worth, and the final settlement with its claw-back."""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal


def cost_ceiling(documented: int, cap_percent: int | None) -> int:
    """The most the county may have paid against `documented` costs: its share of them
    at most `cap_percent` (rounded down to whole kroner), or all of them without a cap."""
    if documented <= 0:
        return 0
    if cap_percent is None:
        return documented
    return documented * cap_percent // 100


def tranche_amounts(tranches, grant: int) -> dict[int, int]:
    """Each tranche's kroner for a grant of `grant`: a share rounded down to whole kroner,
    an amount as given, never more in all than the grant; the final tranche gets the rest,
    so the plan always adds up to the grant exactly."""
    amounts, given = {}, 0
    final = None
    for tranche in tranches:
        if tranche.is_final:
            final = tranche
            continue
        if tranche.percent is not None:
            value = int((Decimal(grant) * tranche.percent / 100).to_integral_value(ROUND_FLOOR))
        else:
            value = tranche.amount or 0
        value = max(0, min(value, grant - given))
        amounts[tranche.pk] = value
        given += value
    if final is not None:
        amounts[final.pk] = grant - given
    return amounts


@dataclass
class ProjectMoney:
    granted: int = 0  # the grant, or the settled grant once settled
    requested: int = 0  # waiting for the county
    ordered: int = 0  # approved, not yet paid (net of claw-backs claimed)
    paid: int = 0  # paid (net of claw-backs received)

    @property
    def remaining(self) -> int:
        return self.granted - self.ordered - self.paid

    @property
    def committed(self) -> int:
        """Ordered or paid: what the county has taken on to pay."""
        return self.ordered + self.paid

    def add(self, other: "ProjectMoney") -> None:
        self.granted += other.granted
        self.requested += other.requested
        self.ordered += other.ordered
        self.paid += other.paid


@dataclass(frozen=True)
class SettlementFigures:
    granted: int  # the grant before the settlement
    documented: int  # the costs the final request documents
    cap_percent: int | None
    ceiling: int  # the county's share of the documented costs at most
    allowed: int  # the settled grant: what the project has in all
    paid_before: int  # ordered or paid before the final payment (net of claw-backs)
    final_payment: int
    clawback: int

    @property
    def reduced(self) -> bool:
        return self.allowed < self.granted


def settle(
    *,
    granted: int,
    documented: int,
    cap_percent: int | None,
    paid_before: int,
    requested: int | None = None,
) -> SettlementFigures:
    """The final settlement: the grant is reduced to the county's share of the documented
    costs where those came in lower; the final payment is what is left of it (or what was
    requested, if less); anything paid above it is claimed back. Always
    paid_before + final_payment − clawback = allowed ≤ ceiling."""
    ceiling = cost_ceiling(documented, cap_percent)
    allowed = min(granted, ceiling)
    if requested is not None:
        allowed = min(allowed, max(paid_before, 0) + requested)
    return SettlementFigures(
        granted=granted,
        documented=documented,
        cap_percent=cap_percent,
        ceiling=ceiling,
        allowed=allowed,
        paid_before=paid_before,
        final_payment=max(0, allowed - paid_before),
        clawback=max(0, paid_before - allowed),
    )
