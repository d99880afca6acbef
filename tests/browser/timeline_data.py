"""The demo data as it would stand on another day, so that a timeline shows every kind of
marker and the overdue page has rows in both lists.

The demo seed sets statuses by the real date and makes each agreement's standard
milestones (or, without templates, none). Here projects and agreements still running on
`today` become active again, old milestones are delivered or approved as they would be by
then, missing ones are added, and one project gets a milestone of its own.
"""

import datetime

from agreements.models import Agreement
from evaluations.models import Milestone, add_months
from projects.models import Project


def demo_as_of(today: datetime.date, slug: str = "i-lag") -> None:
    running = {"programme__slug": slug, "end_date__gte": today}
    Agreement.objects.filter(**running).update(status=Agreement.Status.ACTIVE)
    Project.objects.filter(
        agreement__programme__slug=slug, end_date__gte=today, status=Project.Status.COMPLETED
    ).update(status=Project.Status.ACTIVE)
    for agreement in Agreement.objects.filter(programme__slug=slug):
        milestones = agreement.milestones.all()
        if not milestones.exists():
            for kind, months in [
                (Milestone.Kind.STARTUP_NOTE, 6),
                (Milestone.Kind.MIDTERM_REPORT, 12),
                (Milestone.Kind.FINAL_REPORT, 24),
            ]:
                Milestone.objects.create(
                    agreement=agreement,
                    kind=kind,
                    due_date=min(add_months(agreement.start_date, months), agreement.end_date),
                )
        for milestone in agreement.milestones.all():
            age = (today - milestone.due_date).days
            if age > 120:
                status = Milestone.Status.APPROVED
            elif age > 20 and milestone.kind != Milestone.Kind.FINAL_REPORT:
                status = Milestone.Status.DELIVERED
            else:
                status = Milestone.Status.PLANNED
            Milestone.objects.filter(pk=milestone.pk).update(
                status=status,
                delivered_on=milestone.due_date if status != Milestone.Status.PLANNED else None,
            )
    project = (
        Project.objects.filter(agreement__programme__slug=slug, agreement__end_date__gt=today)
        .order_by("agreement__start_date", "pk")
        .first()
    )
    if project is not None:
        Milestone.objects.get_or_create(
            project=project,
            kind=Milestone.Kind.OTHER,
            title="Boligmesse i sentrum",
            defaults={"due_date": today + datetime.timedelta(days=12)},
        )
