"""The PDF reports (evaluations/pdf.py, evaluations/reporting.py): what a committee reads in
them, the archival format, and that the renderer fetches nothing but the portal's own
static files."""

import datetime
import io
import re
import subprocess
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Programme
from projects.models import ProgressReport, Project
from reports import pdf
from reports.models import ReportOrder
from reports.pdf import RefusedResource, render_pdf, safe_url_fetcher
from reports.reporting import (
    ReportNotAvailable,
    ReportSubject,
    all_data_user,
    render_report,
    report_html,
)
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    leader,
)
from tests.reports.report_data import add_approved_reports

pytestmark = pytest.mark.django_db

MUNICIPALITIES = ["Snåsa", "Rennebu", "Meråker", "Høylandet", "Tydal", "Leka"]
# The worst light among each municipality's projects (tests/reports/report_data.py):
# Snåsa and Tydal take part in Meråker's joint project, which is yellow.
EXPECTED_LIGHTS = {
    "Snåsa": "Gul – i fare",
    "Rennebu": "Gul – i fare",
    "Meråker": "Rød – ikke i rute",
    "Høylandet": "Grønn – i rute",
    "Tydal": "Gul – i fare",
    "Leka": "Ingen godkjent",  # «Ingen godkjent statusrapport», wrapped in the cell
}
AMOUNT = re.compile(r"kr\s\d{1,3}( \d{3})+")
CUTOFF = re.compile(r"Data per (\d\d\.\d\d\.\d{4}) kl\. (\d\d:\d\d)")
EVIL = '<img src="http://169.254.169.254/"> og <img src="file:///etc/passwd">'


def pdftotext(path, *, layout=True) -> str:
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdfinfo(path, *extra) -> str:
    return subprocess.run(
        ["pdfinfo", *extra, str(path)], check=True, capture_output=True, text=True
    ).stdout


def xmp_metadata(content: bytes) -> str:
    """The XMP metadata packet, read from the PDF's raw (compressed) streams."""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        for candidate in (data, _inflate(data)):
            if candidate and b"<x:xmpmeta" in candidate:
                return candidate.decode("utf-8")
    raise AssertionError("The PDF has no XMP metadata stream")


def inflated(content: bytes) -> bytes:
    """The PDF with every compressed stream (object streams too) inflated after it."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        parts.append(_inflate(match.group(1)) or b"")
    return b"\n".join(parts)


def _inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return None


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    add_approved_reports()
    return Programme.objects.get(slug="i-lag")


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asks for, served or refused."""
    urls = []
    real = pdf.safe_url_fetcher

    def spy(url, base_url=None):
        urls.append(url)
        return real(url, base_url)

    monkeypatch.setattr(pdf, "safe_url_fetcher", spy)
    return urls


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


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://169.254.169.254/static/css/report.css",
        "file:///etc/passwd",
        "https://example.com/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "/static/../../etc/passwd",
        "/static/css/../../../ilag/settings.py",
        "/media/reports/2026/11/x.pdf",
        "ftp://example.com/report.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedResource):
        safe_url_fetcher(url, "http://127.0.0.1:8000/")


def test_fetcher_serves_the_report_stylesheet():
    response = safe_url_fetcher("/static/css/report.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    same_origin = safe_url_fetcher(
        "http://127.0.0.1:8000/static/css/report.css", "http://127.0.0.1:8000/"
    )
    assert b"@page" in same_origin.read()


def test_raw_html_cannot_make_the_renderer_fetch_anything(fetched):
    # Even HTML that was never escaped (a template bug) reaches nothing outside.
    html = (
        '<html lang="nb"><head><link rel="stylesheet" href="/static/css/report.css"></head>'
        '<body><img src="http://169.254.169.254/latest/meta-data/"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="https://example.com/evil.css"><p>Hei</p></body></html>'
    )
    content = render_pdf(html, base_url="http://127.0.0.1:8000/")
    assert content.startswith(b"%PDF")
    assert set(fetched) == {
        "http://127.0.0.1:8000/static/css/report.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://example.com/evil.css",
    }
    assert b"root:x:0:0" not in content


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
    assert "Tilskudd fra TRFK: kr " in text
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


def test_report_without_demo_data_has_no_demo_note():
    project = ProjectFactory(agreement=AgreementFactory(programme=ProgrammeFactory()))
    BudgetLineFactory(project=project)
    html = report_html(
        ReportSubject(ReportOrder.Kind.PROJECT, project.agreement.programme, project=project),
        cutoff=timezone.now(),
    )
    assert "demodata" not in html
    project.is_demo = True
    project.save()
    html = report_html(
        ReportSubject(ReportOrder.Kind.PROJECT, project.agreement.programme, project=project),
        cutoff=timezone.now(),
    )
    assert "Rapporten inneholder demodata (oppdiktede tall)" in html


def test_programme_report_leaves_out_drafts():
    programme = ProgrammeFactory()
    agreement = AgreementFactory(programme=programme)
    ProjectFactory(agreement=agreement, title="Publisert prosjekt")
    ProjectFactory(agreement=agreement, title="Hemmelig utkast", draft=True)
    AgreementFactory(programme=programme, draft=True, title="Avtale i utkast")
    html = report_html(ReportSubject(ReportOrder.Kind.PROGRAMME, programme), cutoff=timezone.now())
    assert "Publisert prosjekt" in html
    assert "Hemmelig utkast" not in html
    assert "Avtale i utkast" not in html


def test_report_is_scoped_to_the_user_it_is_made_for():
    snasa, meraker = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Meråker")
    programme = ProgrammeFactory()
    project = ProjectFactory(
        agreement=AgreementFactory(programme=programme, municipalities=[meraker]),
        draft=True,
    )
    subject = ReportSubject(ReportOrder.Kind.PROJECT, programme, project=project)
    with pytest.raises(ReportNotAvailable):
        report_html(subject, user=leader(snasa), cutoff=timezone.now())
    with pytest.raises(ReportNotAvailable):
        report_html(subject, user=UserFactory(), cutoff=timezone.now())


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


def test_status_report_command_refuses_an_unknown_subject(tmp_path):
    with pytest.raises(CommandError, match="No programme"):
        call_command(
            "status_report", "programme", "finnes-ikke", "--output", str(tmp_path / "x.pdf")
        )
