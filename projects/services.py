"""Writes that span several project rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.tasks import notify
from ilag import events, review
from ilag.events import archivable_event
from ilag.formats import dato, kr, percent
from ilag.review import locked
from projects.models import (
    BudgetLine,
    ChangeRequest,
    FundingLine,
    Indicator,
    IndicatorValue,
    ProgressReport,
    Project,
    ProjectShare,
    ReportCost,
    financing_errors,
)


@dataclass(frozen=True)
class BudgetEntry:
    year: int
    category_id: int
    amount: int
    note: str = ""


@dataclass(frozen=True)
class FundingEntry:
    amount: int
    kind: str = FundingLine.Kind.CASH
    source_id: int | None = None
    source_municipality_id: int | None = None
    note: str = ""


@transaction.atomic
def project_financing_set(
    *, project: Project, budget: list[BudgetEntry], funding: list[FundingEntry]
) -> None:
    """Replace a project's budget and funding plan, all or nothing, under the programme's rules.

    Raises ValidationError keyed by "budget", "funding" or "county_share"; on error nothing
    stored changes.
    """
    budget_lines, funding_lines = financing_check(project=project, budget=budget, funding=funding)
    # Row by row, never in bulk, so that every line's history is recorded; unchanged
    # lines are left alone so the history shows exactly what changed.
    _replace_lines(
        project.budget_lines.all(),
        budget_lines,
        key=lambda li: (li.year, li.category_id),
        fields=("amount", "note"),
    )
    _replace_lines(
        project.funding_lines.all(),
        funding_lines,
        key=lambda li: (li.source_id, li.source_municipality_id, li.kind),
        fields=("amount", "note"),
    )


def financing_check(*, project: Project, budget: list[BudgetEntry], funding: list[FundingEntry]):
    """The budget and funding lines `budget` and `funding` would make, checked under the
    programme's rules (ValidationError keyed by "budget", "funding" or "county_share")."""
    programme = project.agreement.programme
    budget_lines = [
        BudgetLine(
            project=project, year=e.year, category_id=e.category_id, amount=e.amount, note=e.note
        )
        for e in budget
    ]
    funding_lines = [
        FundingLine(
            project=project,
            source_id=e.source_id,
            source_municipality_id=e.source_municipality_id,
            kind=e.kind,
            amount=e.amount,
            note=e.note,
        )
        for e in funding
    ]
    errors: dict[str, list] = {}
    for key, lines in (("budget", budget_lines), ("funding", funding_lines)):
        for line in lines:
            try:
                line.full_clean(exclude=["project"], validate_unique=False)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    seen = set()
    for line in budget_lines:
        if (line.year, line.category_id) in seen:
            errors.setdefault("budget", []).append(
                BudgetLine._meta.constraints[1].violation_error_message
            )
        seen.add((line.year, line.category_id))
    if not errors:
        problems = financing_errors(
            programme=programme,
            budget_total=sum(line.amount for line in budget_lines),
            funding_total=sum(line.amount for line in funding_lines),
            county_total=sum(
                line.amount for line in funding_lines if line.source_id == programme.owner_id
            ),
        )
        for key, message in problems.items():
            errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    return budget_lines, funding_lines


def _replace_lines(existing, wanted, *, key, fields):
    current = {}
    for line in existing:
        if key(line) in current:  # a duplicate key (funding may repeat a source): replace
            line.delete()
            continue
        current[key(line)] = line
    seen = set()
    for line in wanted:
        k = key(line)
        old = current.get(k)
        if old is not None and k not in seen:
            seen.add(k)
            if any(getattr(old, f) != getattr(line, f) for f in fields):
                for f in fields:
                    setattr(old, f, getattr(line, f))
                old.save()
        else:
            seen.add(k)
            line.save()
    for k, line in current.items():
        if k not in seen:
            line.delete()


# No lost updates --------------------------------------------------------------------


# What the edit form offers an adviser; approval, close-out and reopening have their
# own actions (below), with the checks and records they need.
PROJECT_STATUS_TRANSITIONS = {
    Project.Status.DRAFT: {Project.Status.CANCELLED},
    Project.Status.SUBMITTED: set(),
    Project.Status.RETURNED: {Project.Status.CANCELLED},
    Project.Status.ACTIVE: {Project.Status.CANCELLED},
    Project.Status.COMPLETED: set(),
    Project.Status.CANCELLED: {Project.Status.DRAFT},
}

PROJECT_EDITABLE_FIELDS = (
    "title",
    "description",
    "goals",
    "focus_area",
    "leader",
    "start_date",
    "end_date",
    "status",
)


@transaction.atomic
def project_update(
    *,
    project: Project,
    version: int,
    data: dict,
    shares: list | None = None,
    lead_id: int | None = None,
) -> Project:
    """Change a project's facts (and, when given, who takes part with what share) if
    nobody saved it since `version` was read."""
    row = locked(Project, pk=project.pk, version=version)
    _refuse_frozen(row)
    if shares is not None:
        if len(shares) == 1:
            lead_id = shares[0].municipality_id
        errors = (
            shares_errors(shares, lead_id)
            if shares
            else {"shares": _("Choose at least one municipality.")}
        )
        if errors:
            raise ValidationError(errors)
        _set_shares(row, shares)
        row.lead_municipality_id = lead_id
    new_status = data.get("status", row.status)
    if new_status != row.status and new_status not in PROJECT_STATUS_TRANSITIONS[row.status]:
        raise ValidationError(
            {
                "status": _("The status cannot change from «%(old)s» to «%(new)s».")
                % {
                    "old": row.get_status_display(),
                    "new": Project.Status(new_status).label,
                }
            }
        )
    for field in PROJECT_EDITABLE_FIELDS:
        if field in data:
            setattr(row, field, data[field])
    row.full_clean(exclude=["agreement"])
    row.version += 1
    row.save()
    return row


@transaction.atomic
def project_financing_save(
    *, project: Project, version: int, budget: list[BudgetEntry], funding: list[FundingEntry]
) -> Project:
    """Replace budget and funding plan under the programme's rules, refusing a stale form."""
    row = locked(Project, pk=project.pk, version=version)
    _refuse_frozen(row)
    project_financing_set(project=row, budget=budget, funding=funding)
    fields = ["version"]
    if row.status == Project.Status.ACTIVE:
        # An approved project's grant is what its funding plan asks, within the frame.
        grant = row.county_total()
        if grant != row.granted_amount:
            _check_grant_in_frame(row, grant)
            row.granted_amount = grant
            fields.append("granted_amount")
    row.version += 1
    row.save(update_fields=fields)
    return row


def _check_grant_in_frame(project: Project, grant: int) -> None:
    agreement = type(project.agreement).objects.select_for_update().get(pk=project.agreement_id)
    remaining = frame_remaining(agreement, excluding=project)
    if grant > remaining:
        raise ValidationError(
            {
                "county_share": _(
                    "The grant of %(grant)s exceeds what is left of the agreement's frame: "
                    "%(remaining)s of %(frame)s."
                )
                % {
                    "grant": kr(grant),
                    "remaining": kr(max(remaining, 0)),
                    "frame": kr(agreement.county_frame),
                }
            }
        )


# Change requests ------------------------------------------------------------------------


def change_reasons(
    project: Project,
    *,
    budget: list[BudgetEntry] | None = None,
    funding: list[FundingEntry] | None = None,
    start_date=None,
    end_date=None,
) -> list[str]:
    """Why a project leader's change to an approved project needs an adviser's approval
    (a change request); empty when it may apply at once. Any change to the period or to
    the grant needs one, and so does moving more of the budget or funding plan than the
    programme's threshold."""
    if project.status != Project.Status.ACTIVE:
        return []
    programme = project.agreement.programme
    reasons = []
    if (start_date, end_date) != (None, None) and (start_date, end_date) != (
        project.start_date,
        project.end_date,
    ):
        reasons.append(
            _("The period changes from %(old)s to %(new)s.")
            % {
                "old": f"{dato(project.start_date)}–{dato(project.end_date)}",
                "new": f"{dato(start_date)}–{dato(end_date)}",
            }
        )
    if funding is not None:
        grant = sum(e.amount for e in funding if e.source_id == programme.owner_id)
        if grant != project.county_total():
            reasons.append(
                _("The grant from %(owner)s changes from %(old)s to %(new)s.")
                % {"owner": programme.owner, "old": kr(project.county_total()), "new": kr(grant)}
            )
    if budget is not None or funding is not None:
        total = project.budget_total()
        moved = 0
        if budget is not None:
            old = defaultdict(int)
            for line in project.budget_lines.all():
                old[(line.year, line.category_id)] += line.amount
            new = defaultdict(int)
            for e in budget:
                new[(e.year, e.category_id)] += e.amount
            moved = max(moved, _moved(old, new))
        if funding is not None:
            old = defaultdict(int)
            for line in project.funding_lines.all():
                old[(line.source_id, line.source_municipality_id, line.kind)] += line.amount
            new = defaultdict(int)
            for e in funding:
                new[(e.source_id, e.source_municipality_id, e.kind)] += e.amount
            moved = max(moved, _moved(old, new))
        threshold = programme.change_threshold_percent
        if moved and moved * 100 > threshold * total:
            reasons.append(
                _(
                    "It moves %(moved)s, more than %(threshold)s of the budget of %(total)s "
                    "that %(programme)s allows without a change request."
                )
                % {
                    "moved": kr(moved),
                    "threshold": percent(threshold, 0),
                    "total": kr(total),
                    "programme": programme,
                }
            )
    return reasons


def _moved(old: dict, new: dict) -> int:
    """How much a change moves: what is added or what is taken away, whichever is more
    (kr 50 000 moved from one line to another moves kr 50 000)."""
    differences = [new.get(k, 0) - old.get(k, 0) for k in set(old) | set(new)]
    return max(sum(d for d in differences if d > 0), -sum(d for d in differences if d < 0))


@transaction.atomic
def change_request_create(
    *,
    project: Project,
    version: int,
    user,
    reason: str,
    reasons: list[str],
    budget: list[BudgetEntry] | None = None,
    funding: list[FundingEntry] | None = None,
    start_date=None,
    end_date=None,
) -> ChangeRequest:
    """The change, checked under the programme's rules but not applied, as a change
    request to the advisers following the programme."""
    row = locked(Project, pk=project.pk, version=version)
    _refuse_frozen(row)
    if not reason.strip():
        raise ValidationError({"change_reason": _("Explain why the project needs the change.")})
    if row.change_requests.open().exists():
        raise ValidationError(
            _(
                "The project already has a change request waiting for the county; wait for "
                "it to be approved or returned."
            )
        )
    proposed = {}
    if budget is not None and funding is not None:
        financing_check(project=row, budget=budget, funding=funding)
        proposed["budget"] = [[e.year, e.category_id, e.amount, e.note] for e in budget]
        proposed["funding"] = [
            [e.source_id, e.source_municipality_id, e.kind, e.amount, e.note] for e in funding
        ]
    if start_date is not None and end_date is not None:
        row.start_date, row.end_date = start_date, end_date
        row.full_clean(exclude=["agreement", "status"])
        proposed["start_date"] = start_date.isoformat()
        proposed["end_date"] = end_date.isoformat()
    change = ChangeRequest.objects.create(
        project=row,
        reason=reason.strip(),
        proposed=proposed,
        summary="\n".join(reasons),
        base_version=row.version,
        submitted_at=timezone.now(),
        submitted_by=user,
    )
    notify_about_project(
        "change_request_submitted",
        row,
        key=f"change_request_submitted:{change.pk}",
        title=gettext_lazy("Change request to approve: %(project)s"),
        message=gettext_lazy(
            "%(who)s asks for a change to the project «%(project)s»:\n%(summary)s\n\n"
            "Reason: %(reason)s"
        ),
        params={"summary": change.summary, "reason": change.reason},
        path=change.get_absolute_url(),
        user=user,
    )
    return change


@transaction.atomic
def change_request_review(
    *, change: ChangeRequest, user, approve: bool, comment: str
) -> ChangeRequest:
    """Approve a change request, applying it to the project as it was when the request
    was made, or return it with a comment."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeRequest.Status.SUBMITTED:
        raise ValidationError(
            _("The change request cannot be %(action)s while its status is «%(status)s».")
            % {
                "action": _("approved") if approve else _("returned"),
                "status": change.get_status_display(),
            }
        )
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Write what the project leader must change.")})
    if approve:
        project = Project.objects.select_for_update().get(pk=change.project_id)
        if project.version != change.base_version:
            raise ValidationError(
                _(
                    "The project has been changed since the change request was made; return it "
                    "so the project leader can make a new one from the project as it is now."
                )
            )
        _refuse_frozen(project)
        proposed = change.proposed
        if "start_date" in proposed:
            project.start_date = datetime.date.fromisoformat(proposed["start_date"])
            project.end_date = datetime.date.fromisoformat(proposed["end_date"])
            project.full_clean(exclude=["agreement"])
        if "budget" in proposed:
            project_financing_set(
                project=project,
                budget=[BudgetEntry(y, c, a, n) for y, c, a, n in proposed["budget"]],
                funding=[FundingEntry(a, k, s, m, n) for s, m, k, a, n in proposed["funding"]],
            )
            grant = project.county_total()
            if grant != project.granted_amount:
                _check_grant_in_frame(project, grant)
                project.granted_amount = grant
        project.version += 1
        project._change_reason = _("Change request approved: %(reason)s") % {
            "reason": change.reason
        }
        project.save()
    change.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.RETURNED
    change.review_comment = comment.strip()
    change.reviewed_at, change.reviewed_by = timezone.now(), user
    change.save()
    if approve:
        archivable_event(events.CHANGE_APPROVED, change)
    _notify_decided(
        "change_request_decided",
        change.project,
        change,
        approve=approve,
        user=user,
        titles=(
            gettext_lazy("Change request approved: %(project)s"),
            gettext_lazy("Change request returned: %(project)s"),
        ),
        messages=(
            gettext_lazy("%(who)s has approved the change to «%(project)s»; it now applies."),
            gettext_lazy(
                "%(who)s has returned the change request for «%(project)s» with this "
                "comment:\n\n%(comment)s"
            ),
        ),
        params={},
        path=change.get_absolute_url(),
    )
    return change


def _refuse_frozen(project: Project) -> None:
    if project.status == Project.Status.COMPLETED:
        raise ValidationError(
            _("The project is closed and its figures are frozen; an adviser must reopen it first.")
        )
    if project.status == Project.Status.SUBMITTED:
        raise ValidationError(
            _(
                "The proposal is with the county for approval; it can be changed again if it "
                "is returned."
            )
        )


# Joint projects -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShareEntry:
    municipality_id: int
    percent: Decimal


def shares_errors(shares: list[ShareEntry], lead_id: int | None) -> dict[str, str]:
    """A joint project's shares: each above 0 %, summing to exactly 100 %, the lead
    among the participants."""
    errors = {}
    if len(shares) < 2:
        return errors
    if any(share.percent is None or share.percent <= 0 for share in shares):
        errors["shares"] = _("Every participating municipality needs a share above 0 %.")
    else:
        total = sum((share.percent for share in shares), Decimal(0))
        if total != 100:
            errors["shares"] = _(
                "The shares sum to %(total)s; together they must be exactly 100 %%."
            ) % {"total": percent(total)}
    if lead_id not in {share.municipality_id for share in shares}:
        errors["lead_municipality"] = _("Choose the lead municipality among the participants.")
    return errors


def _set_shares(project: Project, shares: list[ShareEntry]) -> None:
    """Make the project's participants and shares what was entered, row by row so the
    history shows what changed."""
    wanted = {share.municipality_id: share.percent for share in shares}
    project.municipalities.set(list(wanted))
    if len(wanted) < 2:
        project.shares.all().delete()
        return
    review.sync_children(
        project.shares.all(),
        {
            **{m: (p,) for m, p in wanted.items()},
            **{
                s.municipality_id: None
                for s in project.shares.all()
                if s.municipality_id not in wanted
            },
        },
        key="municipality_id",
        fields=("percent",),
        create=lambda municipality_id, values: ProjectShare.objects.create(
            project=project, municipality_id=municipality_id, percent=values[0]
        ),
    )


# Proposals ------------------------------------------------------------------------------


PROPOSAL_FIELDS = (
    "title",
    "description",
    "goals",
    "focus_area",
    "leader",
    "start_date",
    "end_date",
)


@transaction.atomic
def project_propose(
    *, agreement, user, data: dict, shares: list[ShareEntry], lead_id: int
) -> Project:
    """A new project under a signed agreement, as a draft its proposer completes (budget,
    funding plan, target figures) and submits; an adviser may approve it directly."""
    errors = {}
    if agreement.status not in (agreement.Status.SIGNED, agreement.Status.ACTIVE):
        errors["agreement"] = _(
            "Projects can be proposed only under a signed, running agreement; «%(agreement)s» "
            "is «%(status)s»."
        ) % {"agreement": agreement, "status": agreement.get_status_display()}
    members = set(agreement.municipalities.values_list("pk", flat=True))
    if len(shares) == 1:
        lead_id = shares[0].municipality_id
    if not shares:
        errors["shares"] = _("Choose at least one municipality.")
    elif lead_id not in members:
        errors["lead_municipality"] = _(
            "The lead municipality must be a party to the agreement (%(parties)s)."
        ) % {"parties": ", ".join(m.name for m in agreement.municipalities.order_by("name"))}
    errors.update(shares_errors(shares, lead_id))
    project = Project(
        agreement=agreement,
        lead_municipality_id=lead_id,
        **{f: data[f] for f in PROPOSAL_FIELDS if f in data},
    )
    try:
        project.full_clean(exclude=["lead_municipality"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    project.number = (agreement.projects.aggregate(n=Max("number"))["n"] or 0) + 1
    project._change_reason = _("Proposed by %(user)s") % {"user": user}
    project.save()
    _set_shares(project, shares)
    return project


def missing_target_figures(project: Project) -> list[str]:
    """The kinds of target figure the programme requires that the project lacks."""
    required = project.agreement.programme.target_figure_kinds or []
    present = set(project.indicators.values_list("kind", flat=True))
    return [str(Indicator.Kind(kind).label) for kind in required if kind not in present]


@transaction.atomic
def indicators_save(*, project: Project, version: int, formset) -> Project:
    """The project's target figures as the (valid) formset has them, row by row so the
    history shows each change; refused on a stale form or a frozen project."""
    row = locked(Project, pk=project.pk, version=version)
    _refuse_frozen(row)
    for indicator in formset.save(commit=False):
        indicator.project = row
        indicator.full_clean()
        indicator.save()
    for indicator in formset.deleted_objects:
        indicator.delete()
    row.version += 1
    row.save(update_fields=["version"])
    return row


def proposal_errors(project: Project) -> dict[str, str]:
    """What a proposal needs before the county can consider it."""
    errors = {}
    missing = missing_target_figures(project)
    if missing:
        errors["indicators"] = _(
            "%(programme)s asks every project for these target figures, with baseline and "
            "target: %(kinds)s."
        ) % {"programme": project.agreement.programme, "kinds": ", ".join(missing)}
    if not project.description.strip():
        errors["description"] = _("Describe the project before you submit it.")
    if not project.goals.strip():
        errors["goals"] = _("Describe the project's goals before you submit it.")
    if not project.budget_lines.exists():
        errors["budget"] = _("Enter the budget before you submit the proposal.")
    errors.update(project.financing_problems())
    return errors


@transaction.atomic
def project_submit(*, project: Project, version: int, user) -> Project:
    """Draft or returned → submitted to the advisers following the programme."""
    row = locked(Project, pk=project.pk, version=version)
    if row.status not in (Project.Status.DRAFT, Project.Status.RETURNED):
        raise ValidationError(
            _("The proposal cannot be submitted while its status is «%(status)s».")
            % {"status": row.get_status_display()}
        )
    missing = proposal_errors(row)
    if missing:
        raise ValidationError(missing)
    row.status = Project.Status.SUBMITTED
    row.submitted_at, row.submitted_by = timezone.now(), user
    row.version += 1
    row._change_reason = _("Proposal submitted")
    row.save()
    notify_about_project(
        "proposal_submitted",
        row,
        key=f"proposal_submitted:{row.pk}:{row.version}",
        title=gettext_lazy("Project proposal to approve: %(project)s"),
        message=gettext_lazy(
            "%(who)s has proposed the project «%(project)s» under «%(agreement)s». It waits "
            "for an adviser following the programme to approve it with a grant, or return it."
        ),
        params={"agreement": row.agreement.title},
        path=reverse("projects:review", args=[row.pk]),
        user=user,
    )
    return row


def _granted_in_frame(agreement):
    """The projects whose grants count against the agreement's frame: the approved ones
    (cancelled ones count for what they were granted: the money may have been paid)."""
    return Project.objects.filter(agreement=agreement).exclude(status__in=Project.PROPOSAL_STATES)


def frame_remaining(agreement, *, excluding=None) -> int:
    """What is left of the agreement's frame after the grants of its approved projects.
    An agreement read with `with_frame_granted` has the sum already."""
    if excluding is None and hasattr(agreement, "frame_granted"):
        return agreement.county_frame - agreement.frame_granted
    granted = (
        _granted_in_frame(agreement)
        .exclude(pk=getattr(excluding, "pk", None))
        .aggregate(t=Sum("granted_amount"))["t"]
        or 0
    )
    return agreement.county_frame - granted


def with_frame_granted(agreements):
    """Agreements annotated with `frame_granted` (what frame_remaining subtracts), read
    with the agreements themselves instead of a query of its own."""
    granted = (
        _granted_in_frame(OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(total=Sum("granted_amount"))
        .values("total")
    )
    return agreements.annotate(frame_granted=Coalesce(Subquery(granted), Value(0)))


@transaction.atomic
def project_review(
    *, project: Project, user, approve: bool, comment: str, grant: int | None = None
) -> Project:
    """Approve a proposal with a grant from the agreement's frame, or return it with a
    comment. An adviser may approve a draft he made himself without submitting it."""
    row = Project.objects.select_for_update().get(pk=project.pk)
    agreement = type(row.agreement).objects.select_for_update().get(pk=row.agreement_id)
    if row.status not in Project.PROPOSAL_STATES or (
        not approve and row.status != Project.Status.SUBMITTED
    ):
        raise ValidationError(
            _("The proposal cannot be %(action)s while its status is «%(status)s».")
            % {
                "action": _("approved") if approve else _("returned"),
                "status": row.get_status_display(),
            }
        )
    if not approve:
        if not comment.strip():
            raise ValidationError({"comment": _("Write what the proposer must change.")})
        row.status = Project.Status.RETURNED
    else:
        errors = proposal_errors(row)
        if agreement.status not in (agreement.Status.SIGNED, agreement.Status.ACTIVE):
            errors["grant"] = _(
                "The agreement is «%(status)s»; projects can be approved only under a signed, "
                "running agreement."
            ) % {"status": agreement.get_status_display()}
        requested = row.county_total()
        remaining = frame_remaining(agreement, excluding=row)
        if grant is None:
            errors.setdefault("grant", _("Enter the grant."))
        elif grant != requested:
            errors.setdefault(
                "grant",
                _(
                    "The funding plan asks %(owner)s for %(requested)s. To grant another "
                    "amount, return the proposal so the funding plan can be changed."
                )
                % {"owner": agreement.programme.owner, "requested": kr(requested)},
            )
        elif grant > remaining:
            errors.setdefault(
                "grant",
                _(
                    "The grant of %(grant)s exceeds what is left of the agreement's frame: "
                    "%(remaining)s of %(frame)s."
                )
                % {
                    "grant": kr(grant),
                    "remaining": kr(max(remaining, 0)),
                    "frame": kr(agreement.county_frame),
                },
            )
        if errors:
            raise ValidationError(errors)
        row.status = Project.Status.ACTIVE
        row.granted_amount = grant
    row.review_comment = comment.strip()
    row.reviewed_at, row.reviewed_by = timezone.now(), user
    row.version += 1
    row._change_reason = (
        _("Approved with a grant of %(grant)s") % {"grant": kr(grant)}
        if approve
        else _("Proposal returned")
    )
    row.save()
    if approve and agreement.status == agreement.Status.SIGNED:
        agreement.status = agreement.Status.ACTIVE
        agreement.save(update_fields=["status"])
    if approve:
        archivable_event(events.PROJECT_APPROVED, row)
    _notify_decided(
        "proposal_decided",
        row,
        row,
        approve=approve,
        user=user,
        titles=(
            gettext_lazy("Project approved: %(project)s"),
            gettext_lazy("Project proposal returned: %(project)s"),
        ),
        messages=(
            gettext_lazy(
                "%(who)s has approved the project «%(project)s» with a grant of %(grant)s. "
                "Status reports are written on the project's page."
            ),
            gettext_lazy(
                "%(who)s has returned the proposal «%(project)s» with this comment:\n\n%(comment)s"
            ),
        ),
        params={"grant": kr(row.granted_amount or 0)},
        path=row.get_absolute_url(),
    )
    return row


# Close-out ------------------------------------------------------------------------------


def close_errors(project: Project) -> dict[str, str]:
    errors = {}
    if project.status != Project.Status.ACTIVE:
        errors["project"] = _(
            "Only an ongoing project can be closed; this one is «%(status)s»."
        ) % {"status": project.get_status_display()}
    elif not project.progress_reports.approved().filter(is_final=True).exists():
        errors["project"] = _("The project can be closed when its final report is approved.")
    return errors


@transaction.atomic
def project_close(*, project: Project, user) -> Project:
    """Close an ongoing project whose final report is approved: its figures are frozen.
    An agreement whose projects are all closed is completed."""
    row = Project.objects.select_for_update().get(pk=project.pk)
    errors = close_errors(row)
    if errors:
        raise ValidationError(errors)
    row.status = Project.Status.COMPLETED
    row.closed_at, row.closed_by = timezone.now(), user
    row.version += 1
    row._change_reason = _("Project closed")
    row.save()
    agreement = row.agreement
    still_open = agreement.projects.exclude(
        status__in=(Project.Status.COMPLETED, Project.Status.CANCELLED)
    )
    if agreement.status == agreement.Status.ACTIVE and not still_open.exists():
        agreement.status = agreement.Status.COMPLETED
        agreement._change_reason = _("Every project is closed")
        agreement.save()
    return row


@transaction.atomic
def project_reopen(*, project: Project, user, reason: str) -> Project:
    """Reopen a closed project, with the reason, so its figures can change again."""
    row = Project.objects.select_for_update().get(pk=project.pk)
    if row.status != Project.Status.COMPLETED:
        raise ValidationError(
            _("Only a closed project can be reopened; this one is «%(status)s».")
            % {"status": row.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the project is reopened.")})
    row.status = Project.Status.ACTIVE
    row.closed_at, row.closed_by = None, None
    row.version += 1
    row._change_reason = _("Reopened: %(reason)s") % {"reason": reason.strip()}
    row.save()
    agreement = row.agreement
    if agreement.status == agreement.Status.COMPLETED:
        agreement.status = agreement.Status.ACTIVE
        agreement._change_reason = _("A project was reopened")
        agreement.save()
    return row


# Notices ------------------------------------------------------------------------------


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def notify_about_project(kind, project, *, key, title, message, params, path, user, author_id=None):
    notify(
        kind,
        event_key=key,
        programme_id=project.agreement.programme_id,
        municipality_ids=[m.pk for m in project.municipalities.all()],
        author_id=author_id,
        actor_id=getattr(user, "pk", None),
        title=title,
        message=message,
        params={"project": project.title, "who": _who(user), **params},
        path=path,
    )


def _notify_decided(kind, project, row, *, approve, user, titles, messages, params, path):
    """An approval or a return, told to the one who submitted and the leaders."""
    notify_about_project(
        kind,
        project,
        key=f"{kind}:{row.pk}:{row.status}:{row.reviewed_at.isoformat()}",
        title=titles[0] if approve else titles[1],
        message=messages[0] if approve else messages[1],
        params={"comment": row.review_comment, **params},
        path=path,
        user=user,
        author_id=row.submitted_by_id,
    )


# Status reports ---------------------------------------------------------------------


def open_status_report(project: Project) -> ProgressReport | None:
    """The project's status report being written (a draft, or returned for changes):
    there is at most one."""
    return (
        project.progress_reports.filter(
            status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
        )
        .order_by("-period_end")
        .first()
    )


# A proposed report period is at least this long, and at most half a year ahead.
MIN_PROPOSED_DAYS = 30
PROPOSED_DAYS_AHEAD = 182


def proposed_report_period(
    project: Project, last_end: datetime.date | None, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period a new status report is proposed to cover: from the day after the last
    report (or the project's start) up to today, or, when that is less than a month, half
    a year on; within the project's period, and never empty or a day long. When the
    reports already reach the project's end, the project's last month (a closing report)."""
    first, final = project.start_date, project.end_date
    start = last_end + datetime.timedelta(days=1) if last_end else first
    if (today - start).days + 1 >= MIN_PROPOSED_DAYS:
        end = today
    else:
        end = start + datetime.timedelta(days=PROPOSED_DAYS_AHEAD - 1)
    end = min(end, final)
    if (end - start).days + 1 < MIN_PROPOSED_DAYS:
        start = max(first, end - datetime.timedelta(days=MIN_PROPOSED_DAYS - 1))
    return start, end


@transaction.atomic
def report_create(*, project: Project, user, period_start, period_end) -> ProgressReport:
    """A new draft status report; costs start from the latest approved report's figures."""
    if project.is_closed or project.is_proposal:
        raise ValidationError(
            _("Status reports are written on approved projects that are not closed.")
        )
    open_report = open_status_report(project)
    if open_report is not None:
        raise ValidationError(
            _(
                "The project already has a status report being written (%(period)s); finish "
                "and submit it before you start another."
            )
            % {"period": open_report}
        )
    report = ProgressReport(
        project=project, period_start=period_start, period_end=period_end, created_by=user
    )
    report.full_clean()
    report.save()
    latest = project.progress_reports.approved().first()
    if latest is not None:
        for cost in latest.costs.all():
            ReportCost.objects.create(report=report, category=cost.category, amount=cost.amount)
    return report


REPORT_FIELDS = (
    "period_start",
    "period_end",
    "traffic_light",
    "traffic_light_reason",
    "percent_complete",
    "achieved",
    "next_steps",
    "risks",
    "lesson_learned",
    "is_final",
)


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    version: int,
    data: dict,
    costs: dict[int, int | None],
    indicator_values: dict[int, tuple],
) -> ProgressReport:
    """Save a draft or returned report: its fields, costs per category and indicator
    values. Only rows that changed are written, so the history shows what changed."""

    row = review.save_draft(
        ProgressReport, pk=report.pk, version=version, fields=REPORT_FIELDS, data=data
    )
    review.sync_children(
        row.costs.all(),
        {category: None if amount is None else (amount,) for category, amount in costs.items()},
        key="category_id",
        fields=("amount",),
        create=lambda category, values: ReportCost.objects.create(
            report=row, category_id=category, amount=values[0]
        ),
    )
    indicator_entries_sync(
        report=row, rows=row.indicator_values.all(), entries=indicator_values, model=IndicatorValue
    )
    return row


def indicator_entries_sync(*, report, rows, entries: dict[int, tuple], model) -> None:
    """A report's (value, comment) per project indicator, as entered: a status report's
    values or a milestone report's results (`model`); a value left empty removes it."""
    review.sync_children(
        rows,
        {indicator: None if entry[0] is None else entry for indicator, entry in entries.items()},
        key="indicator_id",
        fields=("value", "comment"),
        create=lambda indicator, values: model.objects.create(
            report=report, indicator_id=indicator, value=values[0], comment=values[1]
        ),
    )


def report_submission_errors(report: ProgressReport) -> dict[str, str]:
    """What a report needs before it can be submitted, as {field: bokmål message}."""
    errors = {}
    if not report.traffic_light:
        errors["traffic_light"] = _("Choose a status light before you submit.")
    elif report.traffic_light != ProgressReport.TrafficLight.GREEN and not (
        report.traffic_light_reason.strip()
    ):
        errors["traffic_light_reason"] = _("Explain why the status is yellow or red.")
    if report.percent_complete is None:
        errors["percent_complete"] = _("Give how far the project has come, in percent.")
    if not report.achieved.strip():
        errors["achieved"] = _("Describe what was achieved in the period.")
    return errors


@transaction.atomic
def report_submit(*, report: ProgressReport, version: int, user) -> ProgressReport:
    """Draft or returned → submitted; locked for the leader from now on. The advisers
    following the programme are told."""
    row = review.submit(
        ProgressReport, pk=report.pk, user=user, version=version, errors=report_submission_errors
    )
    notify_about_project(
        "progress_report_submitted",
        row.project,
        key=f"progress_report_submitted:{row.pk}:{row.version}",
        title=gettext_lazy("Status report to approve: %(project)s"),
        message=gettext_lazy(
            "%(who)s has submitted the status report for %(period)s on the project "
            "«%(project)s». It waits for the approval of an adviser following the programme."
        ),
        params={"period": str(row)},
        path=row.get_absolute_url(),
        user=user,
    )
    return row


@transaction.atomic
def report_review(*, report: ProgressReport, user, approve: bool, comment: str) -> ProgressReport:
    """Submitted → approved, or → returned with a comment the leader sees; the one who
    submitted it and the project's leaders are told."""
    row = review.review(ProgressReport, pk=report.pk, user=user, approve=approve, comment=comment)
    if approve and row.is_final:
        archivable_event(events.FINAL_REPORT_APPROVED, row)
    _notify_decided(
        "progress_report_decided",
        row.project,
        row,
        approve=approve,
        user=user,
        titles=(
            gettext_lazy("Status report approved: %(project)s"),
            gettext_lazy("Status report returned: %(project)s"),
        ),
        messages=(
            gettext_lazy("%(who)s has approved the status report for %(period)s on «%(project)s»."),
            gettext_lazy(
                "%(who)s has returned the status report for %(period)s on «%(project)s» with "
                "this comment:\n\n%(comment)s"
            ),
        ),
        params={"period": str(row)},
        path=row.get_absolute_url(),
    )
    return row
