"""The milestone page reads its change history in one query: its query count is the same
for a milestone with three entries in its history as for one with two thousand."""

import datetime

import pytest
from django.utils import timezone

from evaluations.models import Milestone, MilestoneReport, Reminder
from reports.history_index import index_history
from reports.models import ChangeRecord
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    following,
    leader,
)
from tests.paging import assert_documents_paged, assert_two_pages
from tests.queries import computed, queries_to_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    snasa = MunicipalityFactory(name="Snåsa")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    milestone = MilestoneFactory(
        programme=None, agreement=agreement, kind=Milestone.Kind.OTHER, title="Samling"
    )
    return {"milestone": milestone, "adviser": following(programme), "leader": leader(snasa)}


def grow_history(milestone, count):
    """`count` more changes of the milestone's title, written in bulk and indexed."""
    start = timezone.now()
    copies = []
    for n in range(count):
        copy = Milestone(
            **{f.attname: getattr(milestone, f.attname) for f in Milestone._meta.fields}
        )
        copy.title = f"Samling {n}"
        copy._history_date = start + datetime.timedelta(minutes=n)
        copies.append(copy)
    index_history(Milestone, Milestone.history.bulk_history_create(copies, update=True))


# The user's account (the session comes from the cache, and a page that only reads opens
# no transaction); the user's roles and scope (1: with followed programmes or own
# municipalities); the milestone with its agreement, programme
# and project; its reminders; the change history's entries (1, from its index); for a
# leader, the agreement's municipalities (what he may do with the milestone).
# Before: 4 queries for the history (the milestone, its report, the report's results and
# documents), each reading every historical row of its kind.
MILESTONE_PAGE_QUERIES = {"adviser": 5, "leader": 6}

# The user's account; the user's roles and scope (1); the report with its milestone,
# agreement and programme; its documents (a page, with their count); the change history's
# entries (1, from its index); the indicator results; for a leader, the agreement's
# municipalities (what he may do with the report).
MILESTONE_REPORT_PAGE_QUERIES = {"adviser": 6, "leader": 7}


def a_report(milestone):
    """The milestone made a mid-term report, and its report sent in."""
    milestone.kind = Milestone.Kind.MIDTERM_REPORT
    milestone.save()
    return MilestoneReport.objects.create(milestone=milestone, status="submitted")


@pytest.mark.parametrize("role", ["adviser", "leader"])
@pytest.mark.parametrize("shown", ["milestone", "report"])
def test_query_count_is_the_same_for_three_history_entries_and_for_two_thousand(
    client, world, role, shown
):
    milestone = world["milestone"]
    url = (a_report(milestone) if shown == "report" else milestone).get_absolute_url()
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    ChangeRecord.objects.filter(milestone_id=milestone.pk).delete()
    grow_history(milestone, 3)

    three = queries_to_show(client, url)
    grow_history(milestone, 1997)
    two_thousand = queries_to_show(client, url)

    expected = MILESTONE_PAGE_QUERIES if shown == "milestone" else MILESTONE_REPORT_PAGE_QUERIES
    assert three == two_thousand == expected[role]


def test_a_milestone_reports_documents_page_25_at_a_time(client, world):
    report = a_report(world["milestone"])
    client.force_login(world["adviser"])
    client.get("/konto/")

    assert_documents_paged(client, report.get_absolute_url(), milestone_report=report)


def test_the_reminders_page_25_at_a_time_newest_first(client, world):
    """One reminder a week while a milestone is overdue: after a year, more than 50 (the
    page showed the newest 50 and said nothing of the rest)."""
    milestone, adviser = world["milestone"], world["adviser"]
    client.force_login(adviser)
    client.get("/konto/")
    sent = timezone.now()

    def remind(count):
        first = milestone.reminders.count()
        for step in range(first, first + count):
            reminder = Reminder.objects.create(
                milestone=milestone,
                recipient=adviser,
                kind=Reminder.Kind.OVERDUE,
                step=step,
                due_date=milestone.due_date,
                email=adviser.email,
            )
            Reminder.objects.filter(pk=reminder.pk).update(
                sent_at=sent - datetime.timedelta(weeks=100 - step)
            )

    url = milestone.get_absolute_url()
    remind(2)
    two = queries_to_show(client, url)
    remind(28)
    assert queries_to_show(client, url) == queries_to_show(client, f"{url}?paminnelser=2") == two
    reminders = list(milestone.reminders.order_by("-sent_at"))

    def get(query):
        response = computed(client, url, query)
        return response.context, response.content.decode()

    assert_two_pages(
        get, parameter="paminnelser", anchor="reminders-heading", key="reminders", rows=reminders
    )
