"""The grant's money: payout plans, payment requests and the rules they are checked by
(on submission and again on approval), payouts ordered and marked paid, and the final
settlement. Every write locks the project row first, so two requests or approvals of the
same project never both spend the same remaining grant."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import CostCategory, PayoutPlanLevel
from evaluations.models import Milestone, MilestoneReport
from ilag import review
from ilag.formats import dato, kr
from ilag.review import ReviewStatus, locked
from payouts.figures import money_rows
from payouts.models import PaymentRequest, Payout, RequestCost, Settlement, Tranche
from payouts.money import ProjectMoney, cost_ceiling, settle, tranche_amounts
from projects.models import ProgressReport, Project
from projects.services import notify_about_project

# How long the finance department has to pay an ordered payout, unless the adviser says.
PAYMENT_TERMS_DAYS = 14

PLAN_FIELDS = ("label", "percent", "amount", "is_final", "condition", "milestone_kind", "from_date")


# Plans --------------------------------------------------------------------------------


def plan_holder(project: Project):
    """Whose plan pays the project: the project's own, where the programme keeps plans
    per project and the project has one, else its agreement's."""
    if (
        project.agreement.programme.payout_plan_level == PayoutPlanLevel.PROJECT
        and project.tranches.exists()
    ):
        return project
    return project.agreement


def plan_tranches(holder) -> list[Tranche]:
    return list(holder.tranches.all())


@dataclass(frozen=True)
class TrancheEntry:
    label: str
    percent: object  # Decimal or None
    amount: int | None
    is_final: bool
    condition: str
    milestone_kind: str
    from_date: datetime.date | None
    pk: int | None = None  # the tranche the row changes; None for a new one


def plan_errors(entries: list[TrancheEntry], *, holder_kind: str) -> dict[int | str, dict]:
    """What is wrong with a plan as entered: {row index: {field: message}}, or
    {"__all__": message} for the plan as a whole."""
    errors: dict = {}
    finals = [i for i, e in enumerate(entries) if e.is_final]
    for index, entry in enumerate(entries):
        row = {}
        if entry.is_final:
            if entry.percent is not None or entry.amount is not None:
                row["percent"] = _(
                    "The final payment pays what is left of the grant; leave share and amount "
                    "empty."
                )
        elif entry.percent is None and entry.amount is None:
            row["percent"] = _("Give the part payment as a share of the grant or as an amount.")
        elif entry.percent is not None and entry.amount is not None:
            row["amount"] = _("Give either a share or an amount, not both.")
        elif entry.amount is not None and holder_kind != "project":
            row["amount"] = _(
                "A plan for several projects gives its part payments as shares of each "
                "project's grant; amounts belong in a project's own plan."
            )
        if entry.condition == Tranche.Condition.MILESTONE and not entry.milestone_kind:
            row["milestone_kind"] = _("Choose the milestone report the tranche waits for.")
        if entry.condition == Tranche.Condition.DATE and not entry.from_date:
            row["from_date"] = _("Give the date the tranche may be requested from.")
        if row:
            errors[index] = row
    if entries and len(finals) != 1:
        errors["__all__"] = _("A payout plan has exactly one final payment.")
    shares = sum((e.percent for e in entries if e.percent is not None), 0)
    if shares > 100:
        errors["__all__"] = _(
            "The part payments come to %(share)s %% of the grant; they cannot exceed 100 %%."
        ) % {"share": shares}
    return errors


def plan_fingerprint(holder) -> str:
    """The plan as it stands, to tell whether someone saved it since a form was opened."""
    rows = holder.tranches.order_by("position", "pk").values_list("pk", *PLAN_FIELDS)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:32]


@transaction.atomic
def plan_save(*, holder, entries: list[TrancheEntry], user, opened_with: str | None = None):
    """Make a programme's, agreement's or project's plan what `entries` say, in order:
    a row with the id of one of its tranches changes that tranche, one without adds a
    tranche, and tranches not named are removed. A tranche with payment requests that
    are waiting or approved cannot change or go (the plan they were checked by would
    change under them). With `opened_with` (the plan's fingerprint when the form was
    opened), refused if someone saved the plan since."""
    type(holder).objects.select_for_update().get(pk=holder.pk)
    if opened_with is not None and opened_with != plan_fingerprint(holder):
        raise PlanError(
            {
                "__all__": _(
                    "Someone saved this payout plan while you had it open; nothing is saved. "
                    "Here is the plan as it is now: make your change again."
                )
            },
            stale=True,
        )
    holder_kind = holder._meta.model_name
    errors = plan_errors(entries, holder_kind=holder_kind)
    if errors:
        raise PlanError(errors)
    existing = {t.pk: t for t in holder.tranches.all()}
    used = set(
        PaymentRequest.objects.filter(tranche__in=existing)
        .exclude(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .values_list("tranche_id", flat=True)
    )
    kept = []
    for position, entry in enumerate(entries):
        tranche = existing.get(entry.pk) or Tranche(**{holder_kind: holder})
        values = {name: getattr(entry, name) for name in PLAN_FIELDS}
        changed = tranche.pk is None or any(
            getattr(tranche, name) != value for name, value in values.items()
        )
        if changed and tranche.pk in used:
            raise PlanError(
                {
                    "__all__": _(
                        "«%(tranche)s» has payment requests that are waiting or approved; the "
                        "plan can be extended, but that tranche cannot change."
                    )
                    % {"tranche": tranche.name}
                }
            )
        if changed or tranche.position != position:
            for name, value in values.items():
                setattr(tranche, name, value)
            tranche.position = position
            tranche._history_user = user
            tranche.full_clean()
            tranche.save()
        kept.append(tranche)
    for tranche in existing.values():
        if tranche in kept:
            continue
        if tranche.pk in used or tranche.payment_requests.exists():
            raise PlanError(
                {
                    "__all__": _(
                        "«%(tranche)s» has payment requests and cannot be removed from the plan."
                    )
                    % {"tranche": tranche.name}
                }
            )
        tranche._history_user = user
        tranche.delete()
    return kept


class PlanError(ValidationError):
    """A plan refused: `plan_errors` is {row index: {field: message}} and/or
    {"__all__": message}; `stale` when someone saved the plan meanwhile."""

    def __init__(self, errors: dict, *, stale: bool = False):
        self.plan_errors = errors
        self.stale = stale
        flat = [
            message
            for value in errors.values()
            for message in (value.values() if isinstance(value, dict) else [value])
        ]
        super().__init__(flat)


def plan_copy(*, source, target, user) -> list[Tranche]:
    """Start `target`'s plan (an agreement or a project) from `source`'s (the programme's
    default, or the agreement's), unless it has one."""
    if target.tranches.exists():
        return list(target.tranches.all())
    kind = target._meta.model_name
    copies = []
    for tranche in source.tranches.all():
        copy = Tranche(
            **{kind: target},
            position=tranche.position,
            **{name: getattr(tranche, name) for name in PLAN_FIELDS},
        )
        if kind != "project" and copy.amount is not None:
            continue  # amounts belong to a project's own plan
        copy._history_user = user
        copy.save()
        copies.append(copy)
    return copies


# What a project has had, and what each tranche allows ---------------------------------


def project_money(project: Project, *, excluding=None) -> ProjectMoney:
    """The project's grant, what is requested, ordered and paid, and what remains; a
    waiting request given as `excluding` is left out of the requested."""
    rows = money_rows(Project.objects.filter(pk=project.pk))
    money = next((money for _pk, _lead, money in rows), ProjectMoney())
    if excluding is not None and excluding.status == ReviewStatus.SUBMITTED:
        money.requested -= excluding.amount
    return money


@dataclass
class TrancheState:
    tranche: Tranche
    amount: int  # its kroner for this project
    met_on: datetime.date | None  # when its condition was met; None while it is not
    taken: int = 0  # requested (waiting) or approved against it
    requests: list = field(default_factory=list)
    settled: bool = False  # the grant is settled: nothing more may be requested

    @property
    def is_met(self) -> bool:
        return self.met_on is not None

    @property
    def available(self) -> int:
        return 0 if self.settled else max(0, self.amount - self.taken)

    @property
    def condition_text(self) -> str:
        tranche = self.tranche
        if tranche.condition == Tranche.Condition.MILESTONE:
            return _("When the %(report)s is approved") % {
                "report": str(Milestone.Kind(tranche.milestone_kind).label).lower()
            }
        if tranche.condition == Tranche.Condition.DATE:
            return _("From %(date)s") % {"date": dato(tranche.from_date)}
        return str(tranche.get_condition_display())


def condition_dates(project: Project, tranches, *, today=None) -> dict[int, datetime.date | None]:
    """When each tranche's condition was met for the project (None: not yet)."""
    today = today or timezone.localdate()
    agreement = project.agreement
    kinds = {t.milestone_kind for t in tranches if t.condition == Tranche.Condition.MILESTONE}
    milestone_dates = {}
    if kinds:
        for kind, reviewed_at in (
            MilestoneReport.objects.filter(status=ReviewStatus.APPROVED, milestone__kind__in=kinds)
            .filter(milestone_of(project))
            .order_by("reviewed_at")
            .values_list("milestone__kind", "reviewed_at")
        ):
            milestone_dates.setdefault(kind, timezone.localdate(reviewed_at))
    final_report = None
    if any(t.condition == Tranche.Condition.FINAL_REPORT for t in tranches):
        reviewed = (
            ProgressReport.objects.approved()
            .filter(project=project, is_final=True)
            .order_by("reviewed_at")
            .values_list("reviewed_at", flat=True)
            .first()
        )
        final_report = timezone.localdate(reviewed) if reviewed else None
    dates = {}
    for tranche in tranches:
        if tranche.condition == Tranche.Condition.SIGNED:
            dates[tranche.pk] = agreement.signed_date
        elif tranche.condition == Tranche.Condition.MILESTONE:
            dates[tranche.pk] = milestone_dates.get(tranche.milestone_kind)
        elif tranche.condition == Tranche.Condition.FINAL_REPORT:
            dates[tranche.pk] = final_report
        else:
            dates[tranche.pk] = tranche.from_date if tranche.from_date <= today else None
    return dates


def milestone_of(project: Project) -> Q:
    return Q(milestone__agreement=project.agreement_id) | Q(milestone__project=project.pk)


def tranche_states(project: Project, *, money: ProjectMoney | None = None, today=None):
    """The project's plan, each tranche with its kroner, whether its condition is met,
    and what is already requested or approved against it. Once the grant is settled the
    tranches keep the kroner of the grant they were paid by, and allow nothing more."""
    tranches = plan_tranches(plan_holder(project))
    settlement = Settlement.objects.filter(project=project).only("granted").first()
    if settlement is not None:
        grant = settlement.granted
    else:
        grant = (money or project_money(project)).granted
    amounts = tranche_amounts(tranches, grant)
    dates = condition_dates(project, tranches, today=today)
    states = {
        t.pk: TrancheState(
            tranche=t, amount=amounts[t.pk], met_on=dates[t.pk], settled=settlement is not None
        )
        for t in tranches
    }
    for request in (
        PaymentRequest.objects.filter(project=project, tranche__in=states)
        .exclude(status=ReviewStatus.DRAFT)
        .order_by("pk")
    ):
        state = states[request.tranche_id]
        state.requests.append(request)
        if request.status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
            state.taken += request.amount
    return list(states.values())


# Checking a request --------------------------------------------------------------------


def documented_costs(costs: dict) -> int:
    return sum(amount for amount in costs.values() if amount)


def request_errors(
    *,
    project: Project,
    tranche: Tranche | None,
    amount: int | None,
    costs: dict,
    request: PaymentRequest | None = None,
    today=None,
) -> dict[str, str]:
    """Every rule a payment request must meet, as {field: bokmål message}; `costs` maps
    cost categories to the costs incurred so far. Checked when it is submitted and again
    when it is approved (then `request` is the one being approved)."""
    errors = {}
    if project.status != Project.Status.ACTIVE:
        return {"__all__": _("Payouts are requested on approved projects that are not closed.")}
    money = project_money(project, excluding=request)
    if Settlement.objects.filter(project=project).exists():
        return {"__all__": _("The project's grant is settled; no more payouts can be requested.")}
    states = {s.tranche.pk: s for s in tranche_states(project, money=money, today=today)}
    if tranche is None or tranche.pk not in states:
        return {"tranche": _("Choose one of the tranches in the project's payout plan.")}
    state = states[tranche.pk]
    if request is not None and request.status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        if request.tranche_id == tranche.pk:
            state.taken -= request.amount  # counted in the tranche as it is being checked
    if not state.is_met:
        errors["tranche"] = _(
            "«%(tranche)s» cannot be requested yet: its condition is not met (%(condition)s)."
        ) % {"tranche": tranche.name, "condition": state.condition_text.lower()}
    for category, value in costs.items():
        if value and not category.eligible:
            errors[f"cost_{category.pk}"] = _(
                "«%(category)s» is not eligible for support in this programme; costs in it "
                "cannot be documented for a payout."
            ) % {"category": category.name}
        if category.programme_id != project.agreement.programme_id:
            errors[f"cost_{category.pk}"] = _("The cost category is not the programme's.")
    if amount is None:
        errors.setdefault("amount", _("Give the amount you request."))
        return errors
    documented = documented_costs(costs)
    cap = project.agreement.programme.max_county_share_percent
    others_pending = (
        PaymentRequest.objects.filter(project=project)
        .pending()
        .exclude(pk=getattr(request, "pk", None))
    )
    if tranche.is_final:
        if others_pending.exists():
            errors["tranche"] = _(
                "Another payment request for the project waits for the county; the final "
                "payment can be requested when it has been dealt with."
            )
        final = settle(
            granted=money.granted,
            documented=documented,
            cap_percent=cap,
            paid_before=money.committed,
        )
        if amount > final.final_payment:
            errors["amount"] = _(
                "After the settlement the final payment can be at most %(most)s: the county "
                "covers %(allowed)s of documented costs of %(documented)s, and %(paid)s is "
                "already paid or ordered."
            ) % {
                "most": kr(final.final_payment),
                "allowed": kr(final.allowed),
                "documented": kr(documented),
                "paid": kr(money.committed),
            }
        return errors
    if amount <= 0:
        errors["amount"] = _("A part payment must be at least kr 1.")
        return errors
    if "tranche" not in errors and amount > state.available:
        errors["amount"] = _(
            "«%(tranche)s» allows %(available)s more (of %(amount)s); you asked for %(asked)s."
        ) % {
            "tranche": tranche.name,
            "available": kr(state.available),
            "amount": kr(state.amount),
            "asked": kr(amount),
        }
    elif amount > money.remaining - money.requested:
        errors["amount"] = _(
            "The amount is above what remains of the grant: %(remaining)s, of which %(requested)s "
            "is already requested."
        ) % {"remaining": kr(money.remaining), "requested": kr(money.requested)}
    ceiling = cost_ceiling(documented, cap)
    total = money.committed + money.requested + amount
    if "amount" not in errors and total > ceiling:
        if cap is None:
            errors["amount"] = _(
                "With this request the county would have paid %(total)s, more than the documented "
                "costs of %(documented)s."
            ) % {"total": kr(total), "documented": kr(documented)}
        else:
            errors["amount"] = _(
                "With this request the county would have paid %(total)s, more than its share of "
                "at most %(cap)s %% of the documented costs of %(documented)s (%(ceiling)s)."
            ) % {
                "total": kr(total),
                "cap": cap,
                "documented": kr(documented),
                "ceiling": kr(ceiling),
            }
    return errors


def latest_approved_costs(project: Project) -> dict[int, int]:
    """Costs incurred by category, from the latest approved status report: what a new
    payment request starts from."""
    report = project.progress_reports.approved().first()
    if report is None:
        return {}
    return {cost.category_id: cost.amount for cost in report.costs.all()}


def cost_categories(project: Project):
    return CostCategory.objects.filter(programme=project.agreement.programme_id).order_by(
        "position", "name"
    )


# The request's life --------------------------------------------------------------------


def _costs_by_category(costs: dict[int, int | None], project) -> dict:
    categories = {c.pk: c for c in cost_categories(project)}
    return {categories[pk]: value for pk, value in costs.items() if pk in categories}


def _sync_costs(request: PaymentRequest, costs: dict[int, int | None]) -> None:
    review.sync_children(
        request.costs.all(),
        {pk: (value,) if value else None for pk, value in costs.items()},
        key="category_id",
        fields=("amount",),
        create=lambda pk, values: RequestCost.objects.create(
            request=request, category_id=pk, amount=values[0]
        ),
    )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def request_create(
    *, project: Project, user, tranche: Tranche, amount: int | None, comment: str, costs: dict
) -> PaymentRequest:
    """A draft payment request (documents are attached to it next, then it is
    submitted). The rules that can already be checked are checked now."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors = request_errors(
        project=project,
        tranche=tranche,
        amount=amount,
        costs=_costs_by_category(costs, project),
    )
    _raise(errors)
    request = PaymentRequest(
        project=project,
        tranche=tranche,
        is_final=tranche.is_final,
        amount=amount,
        comment=comment.strip(),
        created_by=user,
    )
    request._history_user = user
    request.full_clean()
    request.save()
    _sync_costs(request, costs)
    return request


@transaction.atomic
def request_save(
    *, request: PaymentRequest, version: int, user, tranche, amount, comment, costs: dict
) -> PaymentRequest:
    """The leader's changes to a draft or returned request."""
    project = Project.objects.select_for_update().get(pk=request.project_id)
    row = review.editable(PaymentRequest, pk=request.pk, version=version)
    errors = request_errors(
        project=project,
        tranche=tranche,
        amount=amount,
        costs=_costs_by_category(costs, project),
        request=row,
    )
    _raise(errors)
    row.tranche, row.is_final, row.amount = tranche, tranche.is_final, amount
    row.comment = comment.strip()
    row.version += 1
    row._history_user = user
    row.full_clean()
    row.save()
    _sync_costs(row, costs)
    return row


def _current_errors(row: PaymentRequest, *, attachments: int | None = None) -> dict:
    costs = {cost.category: cost.amount for cost in row.costs.select_related("category")}
    errors = request_errors(
        project=row.project, tranche=row.tranche, amount=row.amount, costs=costs, request=row
    )
    if row.is_final and attachments == 0:
        errors["documents"] = _(
            "Attach the project's accounts (for example an audited statement of accounts) "
            "before you request the final payment."
        )
    return errors


@transaction.atomic
def request_submit(
    *, request: PaymentRequest, version: int, user, confirmed: bool, attachments: int
) -> PaymentRequest:
    """Draft or returned → submitted, locked from now on; the advisers are told.
    `attachments` is how many documents are attached to it."""
    Project.objects.select_for_update().get(pk=request.project_id)

    def errors(row):
        found = _current_errors(row, attachments=attachments)
        if not confirmed:
            found["confirmed"] = _(
                "Confirm that the costs are incurred and the information is correct."
            )
        return found

    row = review.submit(PaymentRequest, pk=request.pk, user=user, version=version, errors=errors)
    row.confirmed = True
    row.save(update_fields=["confirmed"])
    _notify(
        "payment_request_submitted",
        row,
        key=f"payment_request_submitted:{row.pk}:{row.version}",
        title=gettext_lazy("Payment request to approve: %(project)s"),
        message=gettext_lazy(
            "%(who)s requests %(amount)s for «%(project)s» (%(tranche)s). It waits for the "
            "approval of an adviser following the programme."
        ),
        user=user,
    )
    return row


@transaction.atomic
def request_review(
    *,
    request: PaymentRequest,
    user,
    approve: bool,
    comment: str,
    due_date: datetime.date | None = None,
    today=None,
) -> PaymentRequest:
    """Approve a submitted request, checking every rule again against the project as it
    is now, and order the payout (for the final one: settle the grant and claim back
    what was paid above it); or return it with a comment."""
    today = today or timezone.localdate()
    project = Project.objects.select_for_update().get(pk=request.project_id)
    row = PaymentRequest.objects.select_for_update().get(pk=request.pk)
    if approve and row.status == ReviewStatus.SUBMITTED:
        errors = _current_errors(row)
        if errors:
            raise ValidationError(
                [_("The request no longer meets the rules; return it with a comment.")]
                + [str(message) for message in errors.values()]
            )
        if due_date is not None and due_date < today:
            raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    row = review.review(PaymentRequest, pk=row.pk, user=user, approve=approve, comment=comment)
    if approve:
        _order_payouts(row, project=project, user=user, due_date=due_date or _due(today))
    _notify(
        "payment_request_decided",
        row,
        key=f"payment_request_decided:{row.pk}:{row.status}:{row.reviewed_at.isoformat()}",
        title=(
            gettext_lazy("Payment request approved: %(project)s")
            if approve
            else gettext_lazy("Payment request returned: %(project)s")
        ),
        message=(
            gettext_lazy(
                "%(who)s has approved the payment request of %(amount)s for «%(project)s»; "
                "the payout is ordered."
            )
            if approve
            else gettext_lazy(
                "%(who)s has returned the payment request of %(amount)s for «%(project)s» "
                "with this comment:\n\n%(comment)s"
            )
        ),
        user=user,
        author_id=row.submitted_by_id,
    )
    return row


def _due(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=PAYMENT_TERMS_DAYS)


def _order_payouts(row: PaymentRequest, *, project: Project, user, due_date) -> None:
    if row.is_final:
        money = project_money(project, excluding=row)
        figures = settle(
            granted=money.granted,
            documented=row.costs_total,
            cap_percent=project.agreement.programme.max_county_share_percent,
            paid_before=money.committed,
            requested=row.amount,
        )
        settlement = Settlement(
            project=project,
            request=row,
            granted=figures.granted,
            documented=figures.documented,
            cap_percent=figures.cap_percent,
            allowed=figures.allowed,
            paid_before=figures.paid_before,
            final_payment=figures.final_payment,
            clawback=figures.clawback,
            settled_by=user,
        )
        settlement._history_user = user
        settlement.save()
        amount, clawback = figures.final_payment, figures.clawback
    else:
        amount, clawback = row.amount, 0
    if amount > 0:
        payout = Payout(
            project=project,
            request=row,
            kind=Payout.Kind.PAYMENT,
            amount=amount,
            due_date=due_date,
            ordered_by=user,
        )
        payout._history_user = user
        payout.save()
    if clawback > 0:
        payout = Payout(
            project=project,
            request=row,
            kind=Payout.Kind.CLAWBACK,
            amount=-clawback,
            reason=_(
                "Final settlement: the county covers %(allowed)s of the documented costs of "
                "%(documented)s, and %(paid)s had been paid."
            )
            % {
                "allowed": kr(settlement.allowed),
                "documented": kr(settlement.documented),
                "paid": kr(settlement.paid_before),
            },
            due_date=due_date,
            ordered_by=user,
        )
        payout._history_user = user
        payout.save()


@transaction.atomic
def payout_mark_paid(
    *, payout: Payout, version: int, user, paid_on: datetime.date, voucher_number: str, today=None
) -> Payout:
    """Record that the ledger has paid the payout (or received the money claimed back):
    the date and the voucher number. Once only."""
    today = today or timezone.localdate()
    row = Payout.objects.select_for_update().get(pk=payout.pk)
    if row.is_paid:
        raise ValidationError(
            {
                "paid_on": _(
                    "The payout was registered as paid on %(date)s (voucher %(voucher)s); it "
                    "cannot be paid twice."
                )
                % {"date": dato(row.paid_on), "voucher": row.voucher_number}
            }
        )
    row = locked(Payout, pk=payout.pk, version=version)
    errors = {}
    if paid_on is None:
        errors["paid_on"] = _("Give the date the payout was made.")
    elif paid_on > today:
        errors["paid_on"] = _("The payment date cannot be in the future.")
    elif paid_on < timezone.localdate(row.ordered_at):
        errors["paid_on"] = _("The payout cannot be paid before it was ordered (%(date)s).") % {
            "date": dato(timezone.localdate(row.ordered_at))
        }
    if not voucher_number.strip():
        errors["voucher_number"] = _("Give the voucher number from the ledger.")
    elif Payout.objects.filter(voucher_number=voucher_number.strip()).exists():
        errors["voucher_number"] = _("Another payout already has this voucher number.")
    _raise(errors)
    row.paid_on, row.voucher_number = paid_on, voucher_number.strip()
    row.marked_paid_by = user
    row.version += 1
    row._history_user = user
    row.full_clean()
    row.save()
    return row


# Notices -------------------------------------------------------------------------------


def _notify(kind, row: PaymentRequest, *, key, title, message, user, author_id=None):
    notify_about_project(
        kind,
        row.project,
        key=key,
        title=title,
        message=message,
        params={
            "amount": kr(row.amount),
            "tranche": row.tranche.name,
            "comment": row.review_comment,
        },
        path=row.get_absolute_url(),
        user=user,
        author_id=author_id,
    )
