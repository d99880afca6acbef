"""Overdue milestones and stale projects (evaluations/overview.py) and the adviser's page."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from evaluations.models import Milestone, Reminder
from evaluations.overview import overdue_milestones, stale_projects
from projects.models import ProgressReport, Project
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    adviser,
    leader,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 3, 10)
NOW = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
URL = "/milepeler/forfalte/"


def following(*programmes):
    user = adviser()
    user.programmes.add(*programmes)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="i-lag", short_name="I LAG", stale_report_weeks=12)


@pytest.fixture
def agreement(programme):
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    return AgreementFactory(
        programme=programme,
        municipalities=[meraker],
        title="Samarbeidsavtale I LAG – Meråker",
        start_date=D(2023, 10, 1),
        end_date=D(2025, 9, 30),
    )


def report(project, period_end, status=ProgressReport.Status.APPROVED):
    return ProgressReport.objects.create(
        project=project, period_start=project.start_date, period_end=period_end, status=status
    )


def test_url_is_milepeler_forfalte():
    assert reverse("evaluations:overdue") == URL


def test_overdue_lists_open_milestones_before_today_oldest_first(programme, agreement):
    project = ProjectFactory(agreement=agreement)
    older = MilestoneFactory(
        programme=None,
        agreement=agreement,
        kind=Milestone.Kind.STARTUP_NOTE,
        due_date=D(2024, 12, 1),
    )
    newer = MilestoneFactory(
        programme=None, project=project, kind=Milestone.Kind.OTHER, due_date=D(2025, 3, 9)
    )
    own = MilestoneFactory(programme=programme, due_date=D(2025, 1, 15))
    MilestoneFactory(programme=None, agreement=agreement, due_date=TODAY)  # due today: not yet
    MilestoneFactory(
        programme=None,
        agreement=agreement,
        kind=Milestone.Kind.MIDTERM_REPORT,
        due_date=D(2025, 1, 1),
        status=Milestone.Status.DELIVERED,
        delivered_on=D(2025, 1, 2),
    )
    MilestoneFactory(due_date=D(2024, 1, 1))  # in a programme the adviser does not follow
    user = following(programme)
    assert list(overdue_milestones(user, TODAY)) == [older, own, newer]


def test_overdue_page_shows_days_owner_responsible_and_last_reminder(client, programme, agreement):
    responsible = User.objects.create_user("ansvarlig", first_name="Magnus", last_name="Meråker")
    milestone = MilestoneFactory(
        programme=None,
        agreement=agreement,
        kind=Milestone.Kind.MIDTERM_REPORT,
        due_date=D(2025, 2, 28),
        responsible=responsible,
    )
    with time_machine.travel(datetime.datetime(2025, 3, 3, 7, 0, tzinfo=NOW.tzinfo), tick=False):
        Reminder.objects.create(
            milestone=milestone,
            recipient=responsible,
            kind=Reminder.Kind.OVERDUE,
            step=0,
            due_date=milestone.due_date,
            email="magnus@example.no",
        )
    client.force_login(following(programme))
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.text
    row = re.search(r"<tr role=\"row\">\s*<td [^>]*>28.02.2025</td>.*?</tr>", html, re.S).group(0)
    assert 'class="num">10</td>' in row
    assert f'href="{milestone.get_absolute_url()}">Midtveisrapport</a>' in row
    assert f'href="{agreement.get_absolute_url()}">Samarbeidsavtale I LAG – Meråker</a>' in row
    assert "Meråker · I LAG" in row
    assert "Magnus Meråker" in row
    assert "03.03.2025 07:00" in row and "til magnus@example.no" in row
    assert "1 milepæl har passert fristen uten å være levert." in html
    assert html.count("<h1") == 1


def test_stale_projects_follow_the_programmes_weeks(programme, agreement):
    # 12 weeks before 10.03.2025 is 16.12.2024.
    def project(title, start=agreement.start_date, **kwargs):
        return ProjectFactory(agreement=agreement, title=title, start_date=start, **kwargs)

    fresh = project("Fersk rapport")
    report(fresh, D(2025, 1, 31))
    report(fresh, D(2024, 6, 30))
    boundary = project("Akkurat innenfor")
    report(boundary, D(2024, 12, 16))
    old = project("Gammel rapport")
    report(old, D(2024, 11, 30))
    never = project("Aldri rapportert", start=D(2024, 1, 1))
    project("Nystartet", start=D(2025, 1, 1))  # never reported, but started 10 weeks ago
    unapproved = project("Bare innsendt", start=D(2024, 2, 1))
    report(unapproved, D(2025, 2, 28), status=ProgressReport.Status.SUBMITTED)
    project("Avsluttet", status=Project.Status.COMPLETED)
    project("Utkast", draft=True)

    stale = list(stale_projects(following(programme), TODAY))
    assert stale == [never, unapproved, old]
    assert [p.last_approved for p in stale] == [None, None, D(2024, 11, 30)]
    assert [p.stale_since for p in stale] == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 11, 30)]


def test_stale_projects_use_each_programmes_own_weeks(programme, agreement):
    strict = ProgrammeFactory(stale_report_weeks=4)
    strict_project = ProjectFactory(
        agreement=AgreementFactory(programme=strict), start_date=D(2024, 1, 1)
    )
    report(strict_project, D(2025, 1, 31))  # 5 weeks ago: stale under 4 weeks
    relaxed_project = ProjectFactory(agreement=agreement)
    report(relaxed_project, D(2025, 1, 31))  # fresh under 12 weeks
    assert list(stale_projects(following(programme, strict), TODAY)) == [strict_project]


def test_stale_page_says_never_and_weeks_since(client, programme, agreement):
    ProjectFactory(agreement=agreement, title="Aldri rapportert", start_date=D(2024, 1, 1))
    client.force_login(following(programme))
    with time_machine.travel(NOW, tick=False):
        html = client.get(URL).text
    assert "Prosjekter uten godkjent statusrapport på 12 uker" in html
    row = re.search(
        r"<tr role=\"row\">\s*<th [^>]*><a[^>]*>Aldri rapportert</a>.*?</tr>", html, re.S
    )
    assert "aldri" in row.group(0) and "startet 01.01.2024" in row.group(0)
    assert 'class="num">62</td>' in row.group(0)  # 434 days: 01.01.2024 → 10.03.2025


def test_project_leader_gets_403(client, agreement):
    client.force_login(leader(agreement.municipalities.get()))
    assert client.get(URL).status_code == 403


def test_long_lists_are_paginated_separately(client, programme, agreement):
    for day in range(55):
        MilestoneFactory(
            programme=None,
            agreement=agreement,
            kind=Milestone.Kind.OTHER,
            title=f"Milepæl {day}",
            due_date=D(2024, 10, 1) + datetime.timedelta(days=day),
        )
    client.force_login(following(programme))
    with time_machine.travel(NOW, tick=False):
        first = client.get(URL).text
        second = client.get(URL, {"milepeler": 2}).text
    assert "Milepæl 49<" in first and "Milepæl 50<" not in first
    assert "Milepæl 50<" in second and "Milepæl 54<" in second
    assert "?milepeler=2" in first
    assert "Side 1 av 2" in first


def build(programme, count):
    for i in range(count):
        agreement = AgreementFactory(programme=programme)
        project = ProjectFactory(agreement=agreement, start_date=D(2023, 5, 1))
        if i % 2:
            report(project, D(2024, 6, 30))
        milestone = MilestoneFactory(
            programme=None, project=project, kind=Milestone.Kind.OTHER, due_date=D(2025, 1, 1)
        )
        MilestoneFactory(programme=None, agreement=agreement, due_date=D(2025, 2, 1))
        Reminder.objects.create(
            milestone=milestone,
            recipient=User.objects.create_user(f"r{programme.pk}-{i}"),
            kind=Reminder.Kind.OVERDUE,
            step=1,
            due_date=milestone.due_date,
            email="r@example.no",
        )


def page_queries(client, programme, count) -> int:
    build(programme, count)
    client.force_login(following(programme))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    # The first page of each list is full: two overdue milestones and one stale project for
    # each agreement (one number cell per row).
    assert len(re.findall(r'<td [^>]*class="num">', response.text)) == min(2 * count, 50) + count
    return len(queries)


def test_query_count_is_the_same_for_5_and_30_projects(client):
    few = page_queries(client, ProgrammeFactory(), 5)
    many = page_queries(client, ProgrammeFactory(), 30)
    assert few == many
