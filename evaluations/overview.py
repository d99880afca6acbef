"""What a county adviser should chase: overdue milestones and projects without a recent
approved status report. Both are querysets with a fixed number of queries, whatever the
number of rows, so that a page can paginate them."""

import datetime

from django.db.models import Case, DateField, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.permissions import in_followed_programmes
from agreements.models import Programme
from evaluations.models import Milestone, Reminder
from municipalities.models import Municipality
from projects.models import ProgressReport, Project


def can_view_overview(user) -> bool:
    """County advisers follow up overdue and stale work; nobody else sees these lists."""
    return user.is_authenticated and user.is_adviser


def _in_followed_programmes(queryset, user, *paths):
    """An adviser's rows limited to the programmes he or she follows (all for superusers)."""
    return in_followed_programmes(queryset, user, *paths) if user.is_adviser else queryset


def _municipalities():
    return Municipality.objects.order_by("name")


def overdue_milestones(user, today: datetime.date):
    """Open milestones due before `today` that the user may see (an adviser: in the
    programmes followed), the oldest first, with the last reminder sent for each."""
    last_reminder = Reminder.objects.filter(milestone=OuterRef("pk")).order_by("-sent_at", "-pk")
    milestones = _in_followed_programmes(
        Milestone.objects.visible_to(user).overdue(today),
        user,
        "programme",
        "agreement__programme",
        "project__agreement__programme",
    )
    return (
        milestones.select_related(
            "programme", "agreement__programme", "project__agreement__programme", "responsible"
        )
        .prefetch_related(
            Prefetch("agreement__municipalities", queryset=_municipalities()),
            Prefetch("project__municipalities", queryset=_municipalities()),
        )
        .annotate(
            last_reminder_at=Subquery(last_reminder.values("sent_at")[:1]),
            last_reminder_email=Subquery(last_reminder.values("email")[:1]),
        )
        .order_by("due_date", "pk")
    )


def stale_report_weeks_in_use(user) -> list[int]:
    """The distinct `stale_report_weeks` of the programmes the user may see (and follows)."""
    programmes = _in_followed_programmes(Programme.objects.visible_to(user), user, "pk")
    return sorted(set(programmes.values_list("stale_report_weeks", flat=True)))


def stale_projects(user, today: datetime.date):
    """Ongoing projects the user may see (an adviser: in the programmes followed) whose
    last approved status report ends more than the programme's `stale_report_weeks`
    before `today`, or that never had one and started more than that long ago.

    Annotates `last_approved` (the end of the last approved report's period, or None) and
    `stale_since` (that date, or the project's start), and orders by the latter.
    """
    # The cut-off date depends on the programme; the handful of week counts in use become
    # a CASE in SQL, which keeps the date arithmetic out of the database (SQLite in
    # development has none that PostgreSQL shares).
    cutoff = Case(
        *[
            When(
                agreement__programme__stale_report_weeks=weeks,
                then=Value(today - datetime.timedelta(weeks=weeks)),
            )
            for weeks in stale_report_weeks_in_use(user)
        ],
        default=Value(None),
        output_field=DateField(),
    )
    last_approved = (
        ProgressReport.objects.filter(project=OuterRef("pk"), status=ProgressReport.Status.APPROVED)
        .order_by("-period_end", "-pk")
        .values("period_end")[:1]
    )
    projects = _in_followed_programmes(
        Project.objects.visible_to(user).active(), user, "agreement__programme"
    )
    return (
        projects.annotate(last_approved=Subquery(last_approved, output_field=DateField()))
        .alias(cutoff=cutoff)
        .filter(
            Q(last_approved__lt=F("cutoff"))
            | Q(last_approved__isnull=True, start_date__lt=F("cutoff"))
        )
        .annotate(stale_since=Coalesce("last_approved", "start_date"))
        .select_related("agreement__programme", "leader")
        .prefetch_related(Prefetch("municipalities", queryset=_municipalities()))
        .order_by("stale_since", "title", "pk")
    )


def weeks_between(earlier: datetime.date, today: datetime.date) -> int:
    """Whole weeks from `earlier` to `today`."""
    return (today - earlier).days // 7
