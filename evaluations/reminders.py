"""Deadline reminders by e-mail, for milestones that are not delivered.

The schedule, with days_left = due date − today, for a milestone whose status is
«planned» (not delivered):

* before (step = d): from the first run where days_left <= d for one of the programme's
  reminder days (30 and 7 by default) until the day before the due date, the reminder
  for the smallest such d. So it goes out 30 and 7 days before; a run missed on day 30
  sends it on day 29; and a milestone added 5 days before its due date gets the 7-day
  reminder only, never a 30-day one.
* due (step 0): on the due date.
* overdue (step = week): weekly while open. Week w covers days 7w−6 to 7w overdue, so
  week 1 goes out the day after the due date, week 2 on day 8, week 3 on day 15, …
* adviser_overdue (step = week): each adviser following the programme gets one digest
  per run listing the milestones that reached a new overdue week (unless the adviser
  already had that milestone's own overdue reminder as its recipient).

Who gets the milestone's own reminders: its responsible person when active with an
e-mail address; otherwise the active project leaders of its municipalities; for a
programme milestone, or when a municipality has no leader, the advisers following the
programme. Milestones of terminated agreements and cancelled projects are left alone.

Every e-mail is recorded as a Reminder row keyed on (milestone, recipient, kind, step,
due date). The row is inserted and the e-mail sent in one transaction: a run that finds
the row there (or meets it being inserted by a concurrent run) sends nothing, and an
e-mail that fails rolls its row back, so the next run tries again. Moving the due date
gives new keys, so the reminders start over for the new date.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from agreements.models import Agreement, Programme
from evaluations.models import Milestone, Reminder
from municipalities.models import Municipality
from projects.models import Project

logger = logging.getLogger(__name__)

# The validator on Programme.reminder_days allows at most a year.
LONGEST_REMINDER_DAYS = 365


@dataclass(frozen=True)
class Occasion:
    kind: str
    step: int


def overdue_week(days_overdue: int) -> int:
    """Week 1 for 1–7 days overdue, week 2 for 8–14, …"""
    return -(-days_overdue // 7)


def occasion_for(days_left: int, reminder_days: list[int]) -> Occasion | None:
    """The reminder a milestone with `days_left` until its due date is due for today."""
    if days_left > 0:
        for days in sorted(reminder_days):
            if days_left <= days:
                return Occasion(Reminder.Kind.BEFORE, days)
        return None
    if days_left == 0:
        return Occasion(Reminder.Kind.DUE, 0)
    return Occasion(Reminder.Kind.OVERDUE, overdue_week(-days_left))


def reminder_label(reminder: Reminder) -> str:
    """What the reminder was, for the milestone page: «30 dager før», «1 uke på overtid»."""
    step = reminder.step
    if reminder.kind == Reminder.Kind.BEFORE:
        return ngettext("%(days)s day before", "%(days)s days before", step) % {"days": step}
    if reminder.kind == Reminder.Kind.DUE:
        return _("on the due date")
    weeks = ngettext("%(weeks)s week overdue", "%(weeks)s weeks overdue", step) % {"weeks": step}
    if reminder.kind == Reminder.Kind.ADVISER_OVERDUE:
        return _("notice to the adviser (%(overdue)s)") % {"overdue": weeks}
    return weeks


def portal_url(path: str) -> str:
    """An absolute link into the portal, for e-mails and calendar feeds."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def milestone_programme(milestone: Milestone) -> Programme:
    if milestone.programme_id:
        return milestone.programme
    if milestone.agreement_id:
        return milestone.agreement.programme
    return milestone.project.agreement.programme


def milestone_municipalities(milestone: Milestone) -> list[Municipality]:
    """The municipalities a milestone is about (uses a prefetch when there is one)."""
    owner = milestone.agreement or milestone.project
    if owner is None:
        return []
    return sorted(owner.municipalities.all(), key=lambda m: m.name)


def milestone_owner_name(milestone: Milestone) -> str:
    """«Samarbeidsavtale I LAG – Meråker» for an agreement or a project (municipalities
    not already named in the title), the programme's name for a programme milestone."""
    owner = milestone.agreement or milestone.project
    if owner is None:
        return str(milestone.programme)
    names = [m.name for m in milestone_municipalities(milestone) if m.name not in owner.title]
    return " – ".join([owner.title, ", ".join(names)]) if names else owner.title


def milestone_heading(milestone: Milestone) -> str:
    """«Midtveisrapport – Samarbeidsavtale I LAG – Meråker»: what and for whom."""
    return f"{milestone.label} – {milestone_owner_name(milestone)}"


def _open_milestones(today: datetime.date):
    """Open milestones that may be due for a reminder, with what recipients need."""
    terminated = Agreement.Status.TERMINATED
    return (
        Milestone.objects.open()
        .filter(due_date__lte=today + datetime.timedelta(days=LONGEST_REMINDER_DAYS))
        .exclude(agreement__status=terminated)
        .exclude(project__status=Project.Status.CANCELLED)
        .exclude(project__agreement__status=terminated)
        .select_related(
            "programme", "agreement__programme", "project__agreement__programme", "responsible"
        )
        .prefetch_related("agreement__municipalities", "project__municipalities")
        .order_by("pk")
    )


def _can_receive(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.email)


class _Directory:
    """The active project leaders by municipality and advisers by programme, fetched in
    two queries for all the milestones of a run."""

    def __init__(self, milestones: list[Milestone]):
        municipality_ids = {m.pk for ms in milestones for m in milestone_municipalities(ms)}
        programme_ids = {milestone_programme(ms).pk for ms in milestones}
        self.leaders = defaultdict(list)
        leaders = (
            User.objects.filter(
                is_active=True,
                groups__name=Role.PROJECT_LEADER,
                municipalities__in=municipality_ids,
            )
            .exclude(email="")
            .prefetch_related(
                Prefetch(
                    "municipalities",
                    queryset=Municipality.objects.filter(pk__in=municipality_ids).only("pk"),
                )
            )
            .distinct()
            .order_by("pk")
        )
        for user in leaders:
            for municipality in user.municipalities.all():
                self.leaders[municipality.pk].append(user)
        self.advisers = defaultdict(list)
        advisers = (
            User.objects.filter(
                is_active=True, groups__name=Role.ADVISER, programmes__in=programme_ids
            )
            .exclude(email="")
            .prefetch_related(
                Prefetch("programmes", queryset=Programme.objects.filter(pk__in=programme_ids))
            )
            .distinct()
            .order_by("pk")
        )
        for user in advisers:
            for programme in user.programmes.all():
                self.advisers[programme.pk].append(user)

    def recipients(self, milestone: Milestone) -> tuple[list[User], str]:
        """Who gets the milestone's own reminders, and why (responsible, leader, adviser)."""
        if _can_receive(milestone.responsible):
            return [milestone.responsible], "responsible"
        leaders = {}
        for municipality in milestone_municipalities(milestone):
            for user in self.leaders[municipality.pk]:
                leaders[user.pk] = user
        if leaders:
            return sorted(leaders.values(), key=lambda u: u.pk), "leader"
        return list(self.advisers[milestone_programme(milestone).pk]), "adviser"


def _record_and_send(*, rows: list[Reminder], render) -> list[Reminder]:
    """Insert the rows and send the e-mail in one transaction; the rows another run has
    already inserted are left out, and nothing is sent when none is left. Returns the
    rows the e-mail was sent for ([] when it was not sent)."""
    kept = []
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                except IntegrityError:
                    continue  # a concurrent run inserted it first (we waited for its commit)
                kept.append(row)
            if kept:
                subject, body = render(kept)
                send_mail(subject, body, None, [kept[0].email])
    except Exception:
        # Most likely the mail server; the rows are rolled back, so the next run retries.
        logger.exception(
            "deadline reminder not sent: milestones=%s recipient=%s",
            [row.milestone_id for row in rows],
            rows[0].recipient_id,
        )
        return []
    return kept


def _render(template: str, context: dict) -> tuple[str, str]:
    with translation.override("nb"):
        subject = render_to_string(f"evaluations/email/{template}_subject.txt", context)
        body = render_to_string(f"evaluations/email/{template}_body.txt", context)
    return " ".join(subject.split()), body


def _milestone_context(milestone: Milestone, today: datetime.date) -> dict:
    with translation.override("nb"):
        return {
            "milestone": milestone,
            "label": milestone.label,
            "kind_label": milestone.get_kind_display(),
            "owner_name": milestone_owner_name(milestone),
            "programme": str(milestone_programme(milestone)),
            "municipalities": ", ".join(m.name for m in milestone_municipalities(milestone)),
            "due_date": milestone.due_date,
            "days": abs((milestone.due_date - today).days),
            "heading": milestone_heading(milestone),
            "url": portal_url(milestone.get_absolute_url()),
        }


def deadline_reminders_send(*, today: datetime.date) -> int:
    """E-mail the deadline reminders due `today` that no run has sent yet; returns how
    many e-mails went out. Safe to run again, and beside another run."""
    milestones = list(_open_milestones(today))
    if not milestones:
        return 0
    directory = _Directory(milestones)
    already = set(
        Reminder.objects.filter(milestone__in=[m.pk for m in milestones]).values_list(
            "milestone_id", "recipient_id", "kind", "step", "due_date"
        )
    )
    sent = 0
    digests = defaultdict(list)  # adviser -> [(milestone, week)]
    for milestone in milestones:
        programme = milestone_programme(milestone)
        occasion = occasion_for((milestone.due_date - today).days, programme.reminder_day_list)
        if occasion is None:
            continue
        recipients, reason = directory.recipients(milestone)
        context = None
        for user in recipients:
            key = (milestone.pk, user.pk, occasion.kind, occasion.step, milestone.due_date)
            if key in already:
                continue
            context = context or _milestone_context(milestone, today)
            row = Reminder(
                milestone=milestone,
                recipient=user,
                kind=occasion.kind,
                step=occasion.step,
                due_date=milestone.due_date,
                email=user.email,
            )
            mail_context = {**context, "recipient": user, "kind": occasion.kind, "reason": reason}
            if _record_and_send(
                rows=[row], render=lambda rows, c=mail_context: _render("reminder", c)
            ):
                sent += 1
        if occasion.kind == Reminder.Kind.OVERDUE:
            for adviser in directory.advisers[programme.pk]:
                key = (
                    milestone.pk,
                    adviser.pk,
                    Reminder.Kind.ADVISER_OVERDUE,
                    occasion.step,
                    milestone.due_date,
                )
                if adviser in recipients or key in already:
                    continue
                digests[adviser].append((milestone, occasion.step))
                already.add(key)
    for adviser, items in digests.items():
        rows = [
            Reminder(
                milestone=milestone,
                recipient=adviser,
                kind=Reminder.Kind.ADVISER_OVERDUE,
                step=week,
                due_date=milestone.due_date,
                email=adviser.email,
            )
            for milestone, week in items
        ]

        def render(kept, adviser=adviser):
            entries = sorted(
                (_milestone_context(row.milestone, today) for row in kept),
                key=lambda entry: (entry["due_date"], entry["heading"]),
            )
            return _render("adviser_digest", {"recipient": adviser, "items": entries})

        if _record_and_send(rows=rows, render=render):
            sent += 1
    return sent
