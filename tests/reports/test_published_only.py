"""What a committee reads is published matter only: a report that was returned with the
adviser's comment and later approved shows without the comment, and a status report being
written does not show at all: in the committee PDFs (each kind) and on the portal's pages
a committee reader opens."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from projects.models import ProgressReport, Project
from projects.services import report_create, report_review, report_save, report_submit
from reports.models import ReportOrder
from reports.reporting import ReportSubject, report_html

pytestmark = pytest.mark.django_db

RETURN_COMMENT = "Internt: kostnadene for Q3 stemmer ikke med regnskapet"
DRAFT_TEXT = "Utkast som ingen har sendt inn ennå"


def write(report, leader, text):
    return report_save(
        report=report,
        version=report.version,
        data={
            "traffic_light": "green",
            "traffic_light_reason": "",
            "percent_complete": 50,
            "achieved": text,
            "next_steps": "Videre etter planen.",
            "risks": "",
            "lesson_learned": "",
        },
        costs={},
        indicator_values={i.pk: (i.baseline, "") for i in report.project.indicators.all()},
    )


@pytest.fixture
def world():
    call_command("seed_demo", stdout=io.StringIO())
    adviser = User.objects.get(username="radgiver")
    leader = User.objects.get(username="leder.meraker")
    project = Project.objects.filter(
        agreement__programme__slug="i-lag",
        municipalities__number="5034",
        status=Project.Status.ACTIVE,
    ).first()
    ProgressReport.objects.filter(project=project).delete()
    start = project.start_date
    report = report_create(
        project=project,
        user=leader,
        period_start=start,
        period_end=start + datetime.timedelta(days=180),
    )
    report = write(report, leader, "Arbeidsgruppen er etablert.")
    report = report_submit(report=report, version=report.version, user=leader)
    report = report_review(report=report, user=adviser, approve=False, comment=RETURN_COMMENT)
    report = report_submit(report=report, version=report.version, user=leader)
    approved = report_review(report=report, user=adviser, approve=True, comment="")
    draft = report_create(
        project=project,
        user=leader,
        period_start=approved.period_end + datetime.timedelta(days=1),
        period_end=approved.period_end + datetime.timedelta(days=180),
    )
    write(draft, leader, DRAFT_TEXT)
    return {"project": project, "approved": approved, "draft": draft}


def test_committee_reports_leave_out_return_comments_and_drafts(world):
    project = world["project"]
    programme = project.agreement.programme
    municipality = project.municipalities.get(number="5034")
    subjects = [
        ReportSubject(ReportOrder.Kind.PROGRAMME, programme),
        ReportSubject(ReportOrder.Kind.MUNICIPALITY, programme, municipality=municipality),
        ReportSubject(ReportOrder.Kind.PROJECT, programme, project=project),
    ]
    for subject in subjects:
        html = report_html(subject, cutoff=timezone.now())
        assert RETURN_COMMENT not in html, subject.kind
        assert DRAFT_TEXT not in html, subject.kind
    # The project report does show the approved report and its history: the comment is
    # left out, not the whole report.
    html = report_html(subjects[2], cutoff=timezone.now())
    assert "Arbeidsgruppen er etablert." in html
    assert "Returnert" in html


def test_committee_reader_reads_the_report_without_the_return_comment(world, client):
    approved = world["approved"]
    url = f"/prosjekter/statusrapporter/{approved.pk}/"
    client.force_login(User.objects.get(username="politiker"))
    for page in (url, world["project"].get_absolute_url()):
        html = client.get(page).content.decode()
        assert "Arbeidsgruppen er etablert." in html or page != url
        assert RETURN_COMMENT not in html, page
        assert DRAFT_TEXT not in html, page
    assert client.get(f"/prosjekter/statusrapporter/{world['draft'].pk}/").status_code == 404
    # The municipality's leader and the adviser do read it.
    for username in ("leder.meraker", "radgiver"):
        client.force_login(User.objects.get(username=username))
        html = client.get(url).content.decode()
        assert RETURN_COMMENT in html, username
