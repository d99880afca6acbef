"""Dates in the PDF reports are Norwegian dates: a report approved at 00:50 on
1 December, Oslo time, is «godkjent 01.12.2026», though it is still 30 November in UTC;
and the moment the figures were read is given in Oslo time too."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from ilag.formats import dato
from projects.models import ProgressReport, Project
from reports.models import ReportOrder
from reports.reporting import ReportSubject, report_html
from tests.reports.report_data import add_approved_reports

pytestmark = pytest.mark.django_db

# 00:50 on 1 December in Oslo (UTC+1), 23:50 on 30 November in UTC.
IN_UTC = datetime.datetime(2026, 11, 30, 23, 50, tzinfo=datetime.UTC)


def test_a_moment_is_dated_in_oslo_time():
    assert dato(IN_UTC) == "01.12.2026"
    assert dato(datetime.date(2026, 11, 30)) == "30.11.2026"


def test_project_report_dates_an_approval_after_midnight_in_oslo_time():
    call_command("seed_demo", stdout=io.StringIO())
    add_approved_reports()
    project = Project.objects.get(title="Rekruttering av helsepersonell")
    ProgressReport.objects.filter(project=project).update(reviewed_at=IN_UTC)
    html = report_html(
        ReportSubject(ReportOrder.Kind.PROJECT, project.agreement.programme, project=project),
        cutoff=IN_UTC,
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "godkjent 01.12.2026" in text
    assert "Data per 01.12.2026 kl. 00:50" in text
    assert "Tallene ble hentet 01.12.2026 kl. 00:50." in text
    assert "30.11.2026" not in text
    assert "23:50" not in text
