"""The PDF reports rendered from the demo (seeded once for the module): what a committee
reads in them, the archival format, and that user text fetches nothing."""

import datetime
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Programme
from projects.models import ProgressReport, Project
from reports.models import ReportOrder
from reports.reporting import (
    ReportSubject,
    all_data_user,
    render_report,
    report_html,
)
from tests.factories import (
    BudgetLineFactory,
    ProjectFactory,
)
from tests.module_world import built_once_per_module
from tests.reports.report_data import add_approved_reports
from tests.reports.test_pdf import (
    AMOUNT,
    CUTOFF,
    EVIL,
    EXPECTED_LIGHTS,
    MUNICIPALITIES,
    inflated,
    pdfinfo,
    pdftotext,
    xmp_metadata,
)

pytestmark = pytest.mark.django_db


def seeded_demo():
    with override_settings(DEMO_RENDER_REPORTS=False):
        call_command("seed_demo", stdout=io.StringIO())
    add_approved_reports()
    return Programme.objects.get(slug="i-lag")


_built, demo = built_once_per_module("demo", seeded_demo)


def test_programme_report_for_the_committee(demo, tmp_path):
    output = tmp_path / "i-lag.pdf"
    before = timezone.localtime()
    stdout = io.StringIO()
    # Speed is measured by scripts/bench_reports.py, not asserted here (a timed test
    # fails on a busy machine).
    call_command("status_report", "programme", "i-lag", "--output", str(output), stdout=stdout)
    after = timezone.localtime()

    text = pdftotext(output)
    lines = text.splitlines()
    for name in MUNICIPALITIES:
        assert name in text
        row = next(line for line in lines if line.strip().startswith(name) and "kr" in line)
        assert EXPECTED_LIGHTS[name] in row, row
    assert AMOUNT.search(text)
    assert "kr 12 000 000" in text  # six agreed frames of kr 2 000 000
    pages = int(re.search(r"Pages:\s+(\d+)", pdfinfo(output)).group(1))
    assert pages >= 2
    assert f"Side 1 av {pages}" in text
    assert f"Side {pages} av {pages}" in text
    date, clock = CUTOFF.search(text).groups()
    taken = datetime.datetime.strptime(f"{date} {clock}", "%d.%m.%Y %H:%M")
    assert (
        before.replace(tzinfo=None, second=0, microsecond=0) <= taken <= after.replace(tzinfo=None)
    )
    assert "Rapporten inneholder demodata (oppdiktede tall)" in text
    assert f"{pages} pages" in stdout.getvalue()
    # The command line includes seeding nothing: this is the rendering alone.


def test_programme_report_is_pdf_a_2b_tagged_with_metadata(demo, tmp_path):
    output = tmp_path / "i-lag.pdf"
    call_command(
        "status_report", "programme", "i-lag", "--output", str(output), stdout=io.StringIO()
    )
    content = output.read_bytes()
    xmp = xmp_metadata(content)
    assert re.search(r'pdfaid:part(>|=")2', xmp), xmp
    assert re.search(r'pdfaid:conformance(>|=")B', xmp), xmp
    assert "<rdf:li>Trøndelag fylkeskommune</rdf:li>" in xmp
    info = pdfinfo(output)
    assert "Author:          Trøndelag fylkeskommune" in info
    assert "Title:           Rapport til utvalget: Distriktssatsinga I LAG" in info
    assert "Tagged:          yes" in info
    assert "(A4)" in info
    assert 'pdfaid:part="2"' in pdfinfo(output, "-meta") or "<pdfaid:part>2" in pdfinfo(
        output, "-meta"
    )
    assert re.search(rb"/Lang ?\(nb\)", inflated(content))
    fonts = subprocess.run(
        ["pdffonts", str(output)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), fonts  # embedded, subset


def test_user_text_is_escaped_and_fetches_nothing(demo, fetched, tmp_path):
    project = Project.objects.get(title="Boliger i Snåsa sentrum")
    ProgressReport.objects.filter(project=project).update(achieved=EVIL)
    rendered, _cutoff = render_report(
        ReportSubject(ReportOrder.Kind.PROJECT, project.agreement.programme, project=project)
    )
    output = tmp_path / "prosjekt.pdf"
    output.write_bytes(rendered.content)
    text = " ".join(pdftotext(output, layout=False).split())
    assert '<img src="http://169.254.169.254/"> og <img src="file:///etc/passwd">' in text
    assert [url for url in fetched if not url.endswith("/static/css/report.css")] == []
    assert len(fetched) == 1


def test_project_report_shows_status_budget_funding_indicators_and_history(demo, tmp_path):
    project = Project.objects.get(title="Rekruttering av helsepersonell")
    rendered, _cutoff = render_report(
        ReportSubject(ReportOrder.Kind.PROJECT, project.agreement.programme, project=project)
    )
    output = tmp_path / "prosjekt.pdf"
    output.write_bytes(rendered.content)
    text = pdftotext(output)
    for heading in (
        "Fakta",
        "Siste godkjente status",
        "Budsjett og påløpte kostnader",
        "Budsjett per år og kostnadspost",
        "Finansieringsplan",
        "Måltall",
        "Milepæler",
        "Siste endringer",
    ):
        assert heading in text, heading
    assert "Gul – i fare" in text
    assert "Søkere per ledige stilling" in text
    assert re.search(r"Tilskudd fra Trøndelag\s+fylkeskommune:\s+kr\s", text)
    assert re.search(r"\b2023\b", text) and "2 023" not in text  # years are not grouped
    assert f"Side 1 av {rendered.pages}" in text


def test_municipality_report_lists_its_projects_with_totals(demo, tmp_path):
    municipality = demo.agreements.get(title__endswith="Meråker").municipalities.get()
    rendered, _cutoff = render_report(
        ReportSubject(ReportOrder.Kind.MUNICIPALITY, demo, municipality=municipality)
    )
    output = tmp_path / "meraker.pdf"
    output.write_bytes(rendered.content)
    text = " ".join(pdftotext(output, layout=False).split())
    assert "Samarbeidsavtale I LAG – Meråker" in text
    titles = Project.objects.filter(
        municipalities=municipality, agreement__programme=demo
    ).values_list("title", flat=True)
    for title in titles:
        assert title in text
    assert "Sum, 4 prosjekter" in text


def test_programme_report_queries_do_not_grow_with_the_projects(demo):
    subject = ReportSubject(ReportOrder.Kind.PROGRAMME, demo)
    user = all_data_user()
    with CaptureQueriesContext(connection) as first:
        report_html(subject, user=user, cutoff=timezone.now())
    agreement = demo.agreements.first()
    for n in range(5):
        project = ProjectFactory(agreement=agreement, title=f"Ekstra {n}")
        BudgetLineFactory(project=project, category=demo.cost_categories.first())
    with CaptureQueriesContext(connection) as second:
        report_html(subject, user=user, cutoff=timezone.now())
    assert len(second) == len(first), [q["sql"][:150] for q in second.captured_queries]
