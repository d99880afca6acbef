"""Documents attached to projects, agreements and status reports: upload, type checks,
download, access and deletion."""

import io
import struct
import zipfile
import zlib
from unittest.mock import patch

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import localtime

from accounts.models import Role
from documents.models import Document
from documents.services import document_attach
from ilag.uploads import filesize, validate_upload
from projects.models import ProgressReport
from tests.accounts import test_permission_matrix as matrix
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
    MunicipalityFactory,
    ProjectFactory,
    UserFactory,
    adviser,
    leader,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>Faktura</title></head><body>Hei</body></html>\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def png_bytes() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    """The two parts every Word document has; libmagic sees only a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Referat'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Budsjett"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes, declared="application/octet-stream") -> SimpleUploadedFile:
    """A file as a browser sends it: `declared` is the type the browser claims, which the
    portal does not trust."""
    return SimpleUploadedFile(name, data, content_type=declared)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


@pytest.fixture
def snasa():
    return MunicipalityFactory(number="5041", name="Snåsa")


@pytest.fixture
def project(snasa):
    return ProjectFactory(agreement=AgreementFactory(municipalities=[snasa]))


@pytest.fixture
def owner(snasa):
    return leader(snasa, username="leder.snasa", first_name="Sigrid", last_name="Snåsa")


def upload_url(project):
    return reverse("documents:upload-project", kwargs={"pk": project.pk})


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Prosjektplan.pdf", PDF, "application/pdf"),
        ("kart.png", png_bytes(), "image/png"),
        (
            "Referat styringsgruppe.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "Budsjett 2024.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_leader_uploads_a_real_file_to_own_project(
    client, project, owner, media_root, name, data, content_type
):
    client.force_login(owner)
    response = client.post(upload_url(project), {"title": "Vedlegg", "file": upload(name, data)})
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    document = Document.objects.get()
    assert (document.project, document.title) == (project, "Vedlegg")
    assert (document.original_name, document.content_type) == (name, content_type)
    assert (document.size, document.uploaded_by) == (len(data), owner)
    # Stored under a generated name, with the content unchanged.
    assert name not in document.file.name
    with document.file.open("rb") as handle:
        assert handle.read() == data


def test_html_named_pdf_is_refused_and_nothing_is_stored(client, project, owner, media_root):
    client.force_login(owner)
    response = client.post(
        upload_url(project), {"title": "Faktura mars", "file": upload("faktura.pdf", HTML)}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Filen «faktura.pdf» er ikke en PDF-fil: innholdet ser ut som en nettside (HTML). "
        "Velg riktig fil."
    ) in content
    # The title stays; the file must be chosen again, and the page says so.
    assert 'value="Faktura mars"' in content
    assert response.context["form"]["file"].help_text.startswith("Velg filen på nytt")
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_windows_program_named_pdf_is_refused(project):
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("rapport.pdf", WINDOWS_EXE))
    assert refused.value.messages == [
        "Filen «rapport.pdf» er ikke en PDF-fil: innholdet ser ut som et Windows-program. "
        "Velg riktig fil."
    ]


@pytest.mark.parametrize("declared", ["application/pdf", "image/png", "text/plain", ""])
def test_the_browsers_declared_type_is_not_trusted(declared):
    # A Windows program declared as a PDF by a (tampered) browser is still refused...
    with pytest.raises(ValidationError):
        validate_upload(upload("rapport.pdf", WINDOWS_EXE, declared=declared))
    with pytest.raises(ValidationError):
        validate_upload(upload("faktura.pdf", HTML, declared=declared))
    # ...and a real workbook is accepted whatever the browser said it was.
    validate_upload(upload("budsjett.xlsx", xlsx_bytes(), declared=declared))


def test_word_document_named_xlsx_is_refused_by_its_content():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("budsjett.xlsx", docx_bytes()))
    assert "er ikke et Excel-regneark: innholdet ser ut som et Word-dokument" in str(refused.value)


def test_file_type_not_accepted_names_the_accepted_types():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("notater.txt", b"Bare tekst\n"))
    message = refused.value.messages[0]
    assert message.startswith("Filen «notater.txt» kan ikke lastes opp her. Tillatte filtyper:")
    assert "PDF-dokument (.pdf)" in message and "JPEG-bilde (.jpg, .jpeg)" in message


def test_oversize_file_is_refused_with_size_and_limit(client, project, owner, settings):
    from django.core.files.uploadhandler import (
        MemoryFileUploadHandler,
        TemporaryFileUploadHandler,
    )

    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    client.force_login(owner)
    big = PDF + b"0" * (1536 * 1024 - len(PDF))
    kept = []

    def spy(handler):
        """Counts what Django's own handler is given to keep, in memory or on disk."""
        original = handler.receive_data_chunk

        def receive(self, data, start):
            kept.append(len(data))
            return original(self, data, start)

        return patch.object(handler, "receive_data_chunk", receive)

    spies = [spy(MemoryFileUploadHandler), spy(TemporaryFileUploadHandler)]
    with spies[0], spies[1]:
        response = client.post(
            upload_url(project), {"title": "Stor", "file": upload("stor.pdf", big)}
        )
    assert response.status_code == 200
    assert "Filen «stor.pdf» er 1,5 MB; grensen er 1 MB." in response.content.decode()
    assert 'value="Stor"' in response.content.decode()
    assert not Document.objects.exists()
    # Nothing past the limit was handed on to be kept.
    assert 0 < sum(kept) <= settings.DOCUMENT_MAX_BYTES


def test_empty_file_is_refused_by_name(client, project, owner):
    client.force_login(owner)
    response = client.post(upload_url(project), {"title": "Tom", "file": upload("tom.pdf", b"")})
    assert response.status_code == 200
    assert "Filen «tom.pdf» er tom." in response.content.decode()
    assert not Document.objects.exists()


def test_download_is_an_attachment_under_the_original_name(client, project, owner):
    document = document_attach(
        parent=project,
        uploaded_file=upload("Søknad Snåsa.pdf", PDF),
        title="Søknad",
        user=owner,
    )
    client.force_login(owner)
    response = client.get(reverse("documents:download", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "S%C3%B8knad%20Sn%C3%A5sa.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_other_municipality_gets_404_for_documents_on_drafts(client):
    world = matrix.build_world()
    client.force_login(world.users["other"])
    for document in (world.draft_project_document, world.draft_report_document):
        response = client.get(reverse("documents:download", kwargs={"pk": document.pk}))
        assert response.status_code == 404
    # The published project's document is readable to the same leader.
    published = reverse("documents:download", kwargs={"pk": world.project_document.pk})
    assert client.get(published).status_code == 200


def test_committee_reader_cannot_upload_and_nothing_is_stored(client, project, media_root):
    client.force_login(UserFactory(role=Role.COMMITTEE_READER))
    assert client.get(upload_url(project)).status_code == 403
    response = client.post(upload_url(project), {"title": "X", "file": upload("x.pdf", PDF)})
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_leader_uploads_to_own_draft_report(client, project, owner):
    report = ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date,
        created_by=owner,
    )
    client.force_login(owner)
    response = client.post(
        reverse("documents:upload-report", kwargs={"pk": report.pk}),
        {"title": "Bilder fra samlingen", "file": upload("samling.png", png_bytes())},
    )
    assert response.status_code == 302
    assert "/statusrapporter/" in response["Location"]
    assert Document.objects.get().progress_report == report


def test_adviser_uploads_to_agreement_but_leader_may_not(client, snasa, owner):
    agreement = AgreementFactory(municipalities=[snasa])
    url = reverse("documents:upload-agreement", kwargs={"pk": agreement.pk})
    client.force_login(owner)
    assert client.get(url).status_code == 403
    county_adviser = adviser()
    county_adviser.programmes.add(agreement.programme)
    client.force_login(county_adviser)
    response = client.post(url, {"title": "Signert avtale", "file": upload("avtale.pdf", PDF)})
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert Document.objects.get().agreement == agreement


def test_delete_records_history_and_removes_the_file_after_commit(
    client, project, owner, media_root, django_capture_on_commit_callbacks
):
    document = document_attach(
        parent=project, uploaded_file=upload("plan.pdf", PDF), title="Plan", user=owner
    )
    path = media_root / document.file.name
    assert path.exists()
    client.force_login(owner)
    url = reverse("documents:delete", kwargs={"pk": document.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert not Document.objects.exists()
    deleted = Document.history.filter(id=document.pk).order_by("-history_date").first()
    assert (deleted.history_type, deleted.title, deleted.history_user) == ("-", "Plan", owner)
    assert not path.exists()


def test_deleting_asks_first_and_changes_nothing_until_confirmed(client, project, owner):
    document = DocumentFactory(project=project, title="Prosjektplan", original_name="plan.pdf")
    client.force_login(owner)
    response = client.get(reverse("documents:delete", kwargs={"pk": document.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Slett dokument</h1>" in html and "plan.pdf" in html
    assert "Filen slettes for godt og kan ikke gjenopprettes." in html
    assert project.get_absolute_url() in html  # «Avbryt» and the parent
    assert Document.objects.filter(pk=document.pk).exists()


def test_reader_cannot_delete(client, project):
    document = DocumentFactory(project=project)
    client.force_login(UserFactory(role=Role.COMMITTEE_READER))
    response = client.post(reverse("documents:delete", kwargs={"pk": document.pk}))
    assert response.status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


def test_documents_partial_shows_the_table_in_bokmal(rf, project, owner):
    document = DocumentFactory(
        project=project, title="Prosjektplan", original_name="plan.pdf", uploaded_by=owner
    )
    document.size = 2_400_000
    request = rf.get("/")
    request.user = owner
    html = render_to_string(
        "documents/_documents.html",
        {
            "documents": [document],
            "upload_url": upload_url(project),
            "can_attach": True,
            "can_delete": True,
        },
        request=request,
    )
    assert '<th scope="col">Filnavn</th>' in html
    assert document.get_absolute_url() in html
    assert "PDF-dokument" in html and "2,3\xa0MB" in html
    assert localtime(document.uploaded_at).strftime("%d.%m.%Y") in html
    assert "Last opp dokument" in html
    assert reverse("documents:delete", kwargs={"pk": document.pk}) in html
    readonly = render_to_string(
        "documents/_documents.html",
        {"documents": [document], "upload_url": "", "can_attach": False, "can_delete": False},
        request=request,
    )
    assert "Last opp dokument" not in readonly
    assert "document-delete" not in readonly and "/slett/" not in readonly


@pytest.mark.parametrize(
    ("size", "shown"),
    [(16, "16 byte"), (8704, "8,5\xa0kB"), (143_360, "140\xa0kB"), (2_411_725, "2,3\xa0MB")],
)
def test_file_sizes_read_in_norwegian(size, shown):
    assert filesize(size) == shown
