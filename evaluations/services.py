"""Writes on milestones and milestone reports, and on a programme's set-up (which holds
its milestone templates)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.tasks import notify
from agreements.models import CostCategory, FocusArea, Programme
from evaluations.models import (
    Milestone,
    MilestoneIndicatorResult,
    MilestoneReport,
    MilestoneTemplate,
)
from ilag import events, review
from ilag.events import archivable_event
from ilag.formats import dato
from projects.services import indicator_entries_sync


def _leader_of(agreement) -> User | None:
    """The first active project leader of the agreement's municipalities, if any."""
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.PROJECT_LEADER,
            municipalities__in=agreement.municipalities.all(),
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def agreement_milestones_create(*, agreement) -> list[Milestone]:
    """Give the agreement one milestone per programme template; running it again adds
    only what is missing (a moved due date is kept)."""
    existing = set(agreement.milestones.values_list("template_id", flat=True))
    responsible = _leader_of(agreement)
    created = []
    for template in agreement.programme.milestone_templates.all():
        if template.pk in existing:
            continue
        milestone = Milestone(
            agreement=agreement,
            template=template,
            kind=template.kind,
            title=template.title,
            due_date=template.due_date_for(agreement),
            responsible=responsible,
        )
        milestone.full_clean()
        milestone.save()
        created.append(milestone)
    return created


@transaction.atomic
def milestone_move(*, milestone: Milestone, due_date, reason: str) -> Milestone:
    """Move a due date, with the reason kept in the history. Reminders follow the new date."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for moving the due date.")})
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if row.due_date == due_date:
        raise ValidationError({"due_date": _("The new due date is the same as the current one.")})
    row.due_date = due_date
    row.full_clean()
    row._change_reason = reason.strip()
    row.save()
    return row


@transaction.atomic
def milestone_deliver(
    *, milestone: Milestone, delivered_on, note: str = "", document=None
) -> Milestone:
    """Register a milestone that is not delivered as a report from the municipality (the
    evaluator's reports, the county's own, one-off milestones) as delivered on a date,
    with the delivered document if there is one (checked by the form: validate_upload)."""
    if milestone.is_report:
        raise ValidationError(
            _("This milestone is delivered with its report: the municipality submits it.")
        )
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if row.status != Milestone.Status.PLANNED:
        raise ValidationError(_("The milestone is already registered as delivered."))
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
    row.status, row.delivered_on = Milestone.Status.DELIVERED, delivered_on
    row.full_clean()
    if document is not None:
        # Stored under a generated name; a rollback leaves the file, never loses one.
        row.delivered_document.save(document.name, document, save=False)
    row._change_reason = note.strip() or _("Registered as delivered")
    row.save()
    return row


@transaction.atomic
def milestone_undeliver(*, milestone: Milestone, reason: str) -> Milestone:
    """Undo a registered delivery (not of a report milestone, whose report decides)."""
    if milestone.is_report:
        raise ValidationError(
            _("This milestone is delivered with its report: the municipality submits it.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason, for the change history.")})
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if row.status == Milestone.Status.PLANNED:
        raise ValidationError(_("The milestone is not registered as delivered."))
    # The document stays stored: the history still names it.
    row.status, row.delivered_on, row.delivered_document = Milestone.Status.PLANNED, None, ""
    row.full_clean()
    row._change_reason = reason.strip()
    row.save()
    return row


@transaction.atomic
def milestone_add(*, agreement=None, project=None, kind, title, due_date, responsible) -> Milestone:
    """A one-off milestone on an agreement or a project."""
    milestone = Milestone(
        agreement=agreement,
        project=project,
        kind=kind,
        title=title,
        due_date=due_date,
        responsible=responsible,
    )
    milestone.full_clean()
    milestone.save()
    return milestone


# Milestone reports ------------------------------------------------------------------

REPORT_FIELDS = (
    "summary",
    "knowledge_sharing",
    "continuation",
    "effect_employment",
    "effect_in_movers_kept",
    "effect_applicants_per_vacancy",
    "effect_partner_participation",
    "effect_external_funding",
    "effect_comment",
)


@transaction.atomic
def milestone_report_start(*, milestone: Milestone, user) -> MilestoneReport:
    """The report of a report milestone; made on first use, the same one afterwards."""
    if not milestone.is_report:
        raise ValidationError(_("This milestone is not delivered as a report."))
    report, _created = MilestoneReport.objects.get_or_create(
        milestone=milestone, defaults={"created_by": user}
    )
    return report


@transaction.atomic
def milestone_report_save(
    *, report: MilestoneReport, version: int, data: dict, results: dict[int, tuple]
) -> MilestoneReport:
    """Save a draft or returned milestone report and its indicator results."""
    row = review.save_draft(
        MilestoneReport, pk=report.pk, version=version, fields=REPORT_FIELDS, data=data
    )
    indicator_entries_sync(
        report=row,
        rows=row.indicator_results.all(),
        entries=results,
        model=MilestoneIndicatorResult,
    )
    return row


def milestone_report_submission_errors(report: MilestoneReport) -> dict[str, str]:
    errors = {}
    if not report.summary.strip():
        errors["summary"] = _("Write a summary before you submit.")
    if not report.knowledge_sharing.strip():
        errors["knowledge_sharing"] = _("Describe how knowledge was shared.")
    return errors


@transaction.atomic
def milestone_report_submit(*, report: MilestoneReport, user) -> MilestoneReport:
    """Draft or returned → submitted; the milestone counts as delivered."""
    row = review.submit(
        MilestoneReport, pk=report.pk, user=user, errors=milestone_report_submission_errors
    )
    milestone = row.milestone
    milestone.status = Milestone.Status.DELIVERED
    milestone.delivered_on = timezone.localdate()
    milestone.save()
    _notify_milestone_report(
        "milestone_report_submitted",
        row,
        key=f"milestone_report_submitted:{row.pk}:{row.version}",
        title=gettext_lazy("Milestone report to approve: %(milestone)s, %(owner)s"),
        message=gettext_lazy(
            "%(who)s has submitted «%(milestone)s» for %(owner)s. It waits for the approval "
            "of an adviser following the programme."
        ),
        user=user,
    )
    return row


def _notify_milestone_report(kind, row, *, key, title, message, user, author_id=None):
    milestone = row.milestone
    owner = milestone.agreement or milestone.project
    programme_id = (
        milestone.agreement.programme_id
        if milestone.agreement_id
        else milestone.project.agreement.programme_id
    )
    notify(
        kind,
        event_key=key,
        programme_id=programme_id,
        municipality_ids=[m.pk for m in owner.municipalities.all()],
        author_id=author_id,
        actor_id=getattr(user, "pk", None),
        title=title,
        message=message,
        params={
            "milestone": milestone.label,
            "owner": str(owner),
            "who": (user.get_full_name() or user.username) if user else "",
            "comment": row.review_comment,
        },
        path=row.get_absolute_url(),
    )


@transaction.atomic
def milestone_report_review(
    *, report: MilestoneReport, user, approve: bool, comment: str
) -> MilestoneReport:
    """Submitted → approved (the milestone too), or returned with a comment (the
    milestone is open again)."""
    row = review.review(MilestoneReport, pk=report.pk, user=user, approve=approve, comment=comment)
    milestone = row.milestone
    if approve:
        milestone.status = Milestone.Status.APPROVED
    else:
        milestone.status, milestone.delivered_on = Milestone.Status.PLANNED, None
    milestone.save()
    _notify_milestone_report(
        "milestone_report_decided",
        row,
        key=f"milestone_report_decided:{row.pk}:{row.status}:{row.reviewed_at.isoformat()}",
        title=gettext_lazy("Milestone report approved: %(milestone)s, %(owner)s")
        if approve
        else gettext_lazy("Milestone report returned: %(milestone)s, %(owner)s"),
        message=gettext_lazy("%(who)s has approved «%(milestone)s» for %(owner)s.")
        if approve
        else gettext_lazy(
            "%(who)s has returned «%(milestone)s» for %(owner)s with this comment:\n\n%(comment)s"
        ),
        user=user,
        author_id=row.submitted_by_id,
    )
    return row


# Setting up a programme -----------------------------------------------------------


@transaction.atomic
def programme_setup_save(*, form, focus_areas, cost_categories, templates, user) -> Programme:
    """Save a programme with its focus areas, cost categories and milestone templates,
    all or nothing (the forms are valid). The adviser who creates a programme follows it."""
    created = form.instance.pk is None
    programme = form.save()
    for formset in (focus_areas, cost_categories, templates):
        formset.instance = programme
        formset.save()
    if created:
        user.programmes.add(programme)
    return programme


COPIED_FIELDS = (
    "description",
    "owner",
    "max_grant_per_agreement",
    "max_county_share_percent",
    "reminder_days",
    "stale_report_weeks",
    "change_threshold_percent",
    "target_figure_kinds",
    "shared_with_partners",
)


@transaction.atomic
def programme_copy(
    *, source: Programme, name: str, short_name: str, slug: str, start_date, end_date, user
) -> Programme:
    """A new programme with the source's rules and caps, focus areas, cost categories
    and milestone templates (fixed dates moved as far as the start), without its
    agreements or its political decision. The adviser who copies it follows it."""
    programme = Programme(
        name=name,
        short_name=short_name,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        **{field: getattr(source, field) for field in COPIED_FIELDS},
    )
    programme.full_clean()
    programme.save()
    for area in source.focus_areas.all():
        FocusArea.objects.create(programme=programme, name=area.name, description=area.description)
    for category in source.cost_categories.all():
        CostCategory.objects.create(
            programme=programme,
            name=category.name,
            eligible=category.eligible,
            description=category.description,
            position=category.position,
        )
    shift = start_date - source.start_date
    for template in source.milestone_templates.all():
        MilestoneTemplate.objects.create(
            programme=programme,
            kind=template.kind,
            title=template.title,
            months_after_start=template.months_after_start,
            fixed_date=template.fixed_date + shift if template.fixed_date else None,
        )
    user.programmes.add(programme)
    return programme


@transaction.atomic
def milestones_after_end(agreement) -> list[str]:
    """The programme's template milestones that would fall after the agreement's end,
    as bokmål messages. The day after the end is still the agreement's: a report on the
    whole of a two-year agreement is due «24 months after the start»."""
    last_day = agreement.end_date + datetime.timedelta(days=1)
    return [
        _(
            "The programme's milestone «%(milestone)s» would be due %(due)s, after the "
            "agreement ends (%(end)s). End the agreement later, or change the template."
        )
        % {
            "milestone": template.title or template.get_kind_display(),
            "due": dato(due),
            "end": dato(agreement.end_date),
        }
        for template in agreement.programme.milestone_templates.all()
        if (due := template.due_date_for(agreement)) > last_day
    ]


def agreement_sign(*, agreement, signed_date, document, user):
    """A draft agreement signed: the signed document stored, the status «signed» and
    the programme's standard milestones made (as when it is signed in the admin).
    ValidationError when it is not a draft or a date does not hold; nothing is stored."""
    row = type(agreement).objects.select_for_update().get(pk=agreement.pk)
    if not row.is_draft:
        raise ValidationError(
            _("The agreement is «%(status)s»; only a draft is signed.")
            % {"status": row.get_status_display()},
            code="not_draft",
        )
    late = milestones_after_end(row)
    if late:
        raise ValidationError(late, code="milestone_after_end")
    row.status = row.Status.SIGNED
    row.signed_date = signed_date
    row._history_user = user
    row.full_clean(exclude=["signed_document"])
    row.signed_document.save(document.name, document, save=False)
    try:
        row.save()
    except Exception:
        row.signed_document.delete(save=False)
        raise
    agreement_milestones_create(agreement=row)
    archivable_event(events.AGREEMENT_SIGNED, row)
    return row
