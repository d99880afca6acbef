"""The PDF reports (evaluations/pdf.py, evaluations/reporting.py): what a committee reads in
them, the archival format, and that the renderer fetches nothing but the portal's own
static files."""

import re
import subprocess
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from reports.models import ReportOrder
from reports.pdf import RefusedResource, render_pdf, safe_url_fetcher
from reports.reporting import (
    ReportNotAvailable,
    ReportSubject,
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


def test_status_report_command_refuses_an_unknown_subject(tmp_path):
    with pytest.raises(CommandError, match="No programme"):
        call_command(
            "status_report", "programme", "finnes-ikke", "--output", str(tmp_path / "x.pdf")
        )
