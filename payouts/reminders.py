"""Reminders of payouts the project leaders may request: a tranche whose condition has
been met for the programme's number of days (`Programme.payout_request_days`) with
nothing requested against it. One e-mail per tranche, project, occasion (the day the
condition was met) and leader, through the notices (recorded, so a second run or a
retry sends nothing twice); the leaders can turn them off on their account page."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy

from agreements.models import Agreement
from ilag.formats import dato, kr
from payouts.services import tranche_states
from projects.models import Project
from projects.services import notify_about_project


def due_tranches(project: Project, *, today: datetime.date):
    """The project's tranches met at least the programme's number of days ago, with
    money left and no request against them."""
    days = project.agreement.programme.payout_request_days
    for state in tranche_states(project, today=today):
        if (
            state.is_met
            and state.met_on + datetime.timedelta(days=days) <= today
            and state.available > 0
            and not state.requests
        ):
            yield state


def payout_reminders_send(*, today: datetime.date) -> int:
    """Queue a reminder for every due tranche of every ongoing project under a running
    agreement; returns how many tranches were due."""
    projects = (
        Project.objects.filter(status=Project.Status.ACTIVE, granted_amount__gt=0)
        .exclude(agreement__status=Agreement.Status.TERMINATED)
        .select_related("agreement__programme")
        .prefetch_related("municipalities")
    )
    due = 0
    for project in projects:
        for state in due_tranches(project, today=today):
            due += 1
            notify_about_project(
                "payout_due",
                project,
                key=f"payout_due:{project.pk}:{state.tranche.pk}:{state.met_on.isoformat()}",
                title=gettext_lazy("A payout may be requested: %(project)s"),
                message=gettext_lazy(
                    "«%(tranche)s» of «%(project)s» (%(amount)s) could be requested from "
                    "%(date)s, and nothing has been requested yet. Request it on the "
                    "project's payouts page."
                ),
                params={
                    "tranche": state.tranche.name,
                    "amount": kr(state.available),
                    "date": dato(state.met_on),
                },
                path=reverse("payouts:request-create", args=[project.pk]),
                user=None,
            )
    return due
