"""A user's milestone due dates as an iCalendar feed (RFC 5545), for Outlook and others."""

import datetime

import icalendar
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import in_followed_programmes, leader_municipality_ids
from agreements.models import Agreement
from evaluations.models import Milestone
from evaluations.reminders import milestone_heading, portal_url

PRODID = "-//Trøndelag fylkeskommune//I LAG-portalen//NB"


def calendar_milestones(user: User):
    """The milestones in the user's feed: those the user is responsible for, and those of
    what the user follows (advisers: their programmes; project leaders: their
    municipalities' agreements and projects, and the programmes these take part in),
    always among the milestones the user may see."""
    visible = Milestone.objects.visible_to(user)
    condition = Q(responsible=user)
    if user.is_adviser:
        followed = in_followed_programmes(
            Milestone.objects.all(),
            user,
            "programme",
            "agreement__programme",
            "project__agreement__programme",
        )
        condition |= Q(pk__in=followed.values("pk"))
    own = leader_municipality_ids(user)
    if own:
        condition |= (
            Q(agreement__municipalities__in=own)
            | Q(project__municipalities__in=own)
            | Q(programme__in=Agreement.objects.filter(municipalities__in=own).values("programme"))
        )
    # A subquery rather than a join: the municipality joins would repeat rows.
    followed = visible.filter(pk__in=Milestone.objects.filter(condition).values("pk"))
    history = Milestone.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return (
        followed.annotate(last_changed=Subquery(history.values("history_date")[:1]))
        .select_related(
            "programme", "agreement__programme", "project__agreement__programme", "responsible"
        )
        .prefetch_related("agreement__municipalities", "project__municipalities")
        .order_by("due_date", "pk")
    )


def calendar_for(user: User) -> bytes:
    """The user's feed: one all-day event per milestone, on its due date."""
    now = timezone.now()
    with translation.override("nb"):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("I LAG deadlines"))
        # A hint to clients on how often to fetch again; the portal caches for 15 minutes.
        calendar.add("x-published-ttl", "PT1H")
        for milestone in calendar_milestones(user):
            url = portal_url(milestone.get_absolute_url())
            changed = milestone.last_changed or now
            description = [
                _("Status: %(status)s") % {"status": milestone.display_state_label()},
                _("Responsible: %(name)s") % {"name": milestone.responsible or "–"},
                url,
            ]
            event = icalendar.Event()
            event.add("uid", f"milestone-{milestone.pk}@ilag-portal")
            event.add("dtstamp", changed)
            event.add("last-modified", changed)
            event.add("dtstart", milestone.due_date)
            event.add("dtend", milestone.due_date + datetime.timedelta(days=1))
            event.add("summary", milestone_heading(milestone))
            event.add("description", "\n".join(description))
            event.add("url", url)
            # A deadline does not make anyone busy for the day.
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        return calendar.to_ical()
