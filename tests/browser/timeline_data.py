"""Milestone states on top of the demo data, so that a timeline shows every kind of marker.

The demo seed makes each agreement's standard milestones (or, without templates, none);
here the old ones are delivered or approved as they would be by `today`, missing ones are
added, and one project gets a milestone of its own.
"""

import datetime

from agreements.models import Agreement
from evaluations.models import Milestone, add_months
from projects.models import Project


def add_agreement_milestones(today: datetime.date, slug: str = "i-lag") -> None:
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
