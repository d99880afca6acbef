"""What may be uploaded: the checks every upload passes (documents, delivered milestone
documents, budget sheets), sizes and types in words, and the form parts an upload field
shares.

The type of a file is decided by its content (libmagic), never by its name alone; the
name's extension must then agree with the content, so a «.pdf» that is a web page or a
program is refused before anything is stored.
"""

import math
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

import magic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ilag.formats import NBSP, number

MIB = 1024 * 1024
# libmagic needs only the start of a file; zip and OLE files are looked into separately.
MAGIC_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    name: str  # in words, for tables: «PDF-dokument»
    a_name: str  # with its article, for sentences: «en PDF-fil»
    extensions: tuple[str, ...]

    @property
    def accepted(self) -> str:
        return f"{self.name} ({', '.join(self.extensions)})"


PDF = FileType(
    "application/pdf", gettext_lazy("PDF document"), gettext_lazy("a PDF file"), (".pdf",)
)
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    gettext_lazy("Word document"),
    gettext_lazy("a Word document"),
    (".docx",),
)
DOC = FileType(
    "application/msword",
    gettext_lazy("Word document (old format)"),
    gettext_lazy("a Word document in the old format"),
    (".doc",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    gettext_lazy("Excel workbook"),
    gettext_lazy("an Excel workbook"),
    (".xlsx",),
)
XLS = FileType(
    "application/vnd.ms-excel",
    gettext_lazy("Excel workbook (old format)"),
    gettext_lazy("an Excel workbook in the old format"),
    (".xls",),
)
ODT = FileType(
    "application/vnd.oasis.opendocument.text",
    gettext_lazy("OpenDocument text"),
    gettext_lazy("an OpenDocument text"),
    (".odt",),
)
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet",
    gettext_lazy("OpenDocument spreadsheet"),
    gettext_lazy("an OpenDocument spreadsheet"),
    (".ods",),
)
PNG = FileType("image/png", gettext_lazy("PNG image"), gettext_lazy("a PNG image"), (".png",))
JPEG = FileType(
    "image/jpeg", gettext_lazy("JPEG image"), gettext_lazy("a JPEG image"), (".jpg", ".jpeg")
)

DOCUMENT_TYPES = (PDF, DOCX, DOC, XLSX, XLS, ODT, ODS, PNG, JPEG)
FILE_TYPES = {t.mime: t for t in DOCUMENT_TYPES}

# What some other contents look like, in words, for the message that refuses them.
LOOKS_LIKE = {
    "text/html": gettext_lazy("a web page (HTML)"),
    "application/xhtml+xml": gettext_lazy("a web page (HTML)"),
    "application/x-dosexec": gettext_lazy("a Windows program"),
    "application/x-msdownload": gettext_lazy("a Windows program"),
    "application/vnd.microsoft.portable-executable": gettext_lazy("a Windows program"),
    "application/x-executable": gettext_lazy("a program"),
    "application/x-pie-executable": gettext_lazy("a program"),
    "application/x-sharedlib": gettext_lazy("a program"),
    "application/x-mach-binary": gettext_lazy("a program"),
    "text/x-shellscript": gettext_lazy("a script"),
    "text/x-script.python": gettext_lazy("a script"),
    "text/x-python": gettext_lazy("a script"),
    "application/javascript": gettext_lazy("a script"),
    "text/javascript": gettext_lazy("a script"),
    "text/plain": gettext_lazy("plain text"),
    "text/csv": gettext_lazy("plain text"),
    "text/xml": gettext_lazy("an XML file"),
    "application/xml": gettext_lazy("an XML file"),
    "image/svg+xml": gettext_lazy("an SVG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "image/webp": gettext_lazy("a WebP image"),
    "image/heic": gettext_lazy("a HEIC image"),
    "application/zip": gettext_lazy("a zip archive"),
    "application/x-rar": gettext_lazy("a compressed archive"),
    "application/x-7z-compressed": gettext_lazy("a compressed archive"),
    "application/gzip": gettext_lazy("a compressed archive"),
    "application/octet-stream": gettext_lazy("unknown data"),
    "application/CDFV2": gettext_lazy("an Office file of an unknown kind"),
    "application/x-ole-storage": gettext_lazy("an Office file of an unknown kind"),
}

ZIP_MIMES = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
OLE_MIMES = {"application/CDFV2", "application/x-ole-storage", "application/vnd.ms-office"}
ODF_MIMES = {ODT.mime, ODS.mime}


def _rounded(value: Decimal, decimals: int) -> str:
    # Django's number formatting cuts decimals off; round first (2,29 MB is «2,3»).
    return number(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), decimals)


def megabytes(size: int, *, round_up: bool = False) -> str:
    """Bytes as megabytes with the locale's decimal comma: `25,3`; a limit as `20`."""
    if round_up:
        # A file just over the limit must not read as equal to it.
        return number(Decimal(math.ceil(size * 10 / MIB)) / 10, 1)
    return number((Decimal(size) / MIB).quantize(Decimal("0.01")).normalize())


def filesize(size: int | None) -> str:
    """A file size for people: `512 byte`, `8,5 kB`, `140 kB`, `2,3 MB`."""
    if size is None:
        return ""
    if size < 1024:
        return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}
    if size < MIB:
        kb = Decimal(size) / 1024
        return f"{_rounded(kb, 1 if kb < 10 else 0)}{NBSP}kB"
    return f"{_rounded(Decimal(size) / MIB, 1)}{NBSP}MB"


def type_name(content_type: str) -> str:
    """A content type in words, as the documents table shows it."""
    known = FILE_TYPES.get(content_type)
    return str(known.name) if known else content_type


def _looks_like(mime: str) -> str:
    if mime in FILE_TYPES:
        return str(FILE_TYPES[mime].a_name)
    if mime in LOOKS_LIKE:
        return str(LOOKS_LIKE[mime])
    return _("a file of the type «%(type)s»") % {"type": mime}


def _zip_kind(file) -> str | None:
    """The Office or OpenDocument type of a zip by its entries (older libmagic reports
    every .docx and .xlsx as a plain zip)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX.mime
                if any(name.startswith("xl/") for name in names):
                    return XLSX.mime
            if "mimetype" in names:
                # Only the first bytes are inflated: an entry that unpacks to a gigabyte
                # costs a hundred bytes here, not the gigabyte.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in ODF_MIMES:
                    return declared
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        file.seek(0)
    return None


def _ole_kind(file) -> str | None:
    """Word or Excel in the old binary format, by the names of their main streams
    (stored in UTF-16 in the compound file's directory)."""
    data = file.read()
    file.seek(0)
    if "WordDocument".encode("utf-16-le") in data:
        return DOC.mime
    if "Workbook".encode("utf-16-le") in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data:
        return XLS.mime
    return None


def detect_content_type(file) -> str:
    """The MIME type of an uploaded file, from its content."""
    file.seek(0)
    head = file.read(MAGIC_HEAD_BYTES)
    file.seek(0)
    if not head:
        return "application/x-empty"
    mime = magic.from_buffer(head, mime=True)
    if mime in ZIP_MIMES and head.startswith(b"PK"):
        mime = _zip_kind(file) or mime
    elif mime in OLE_MIMES:
        mime = _ole_kind(file) or mime
    return mime


def file_type_for(name: str, types: tuple[FileType, ...] = DOCUMENT_TYPES) -> FileType | None:
    """The accepted file type a file name's extension stands for, if any."""
    suffix = PurePath(name).suffix.lower()
    return next((t for t in types if suffix in t.extensions), None)


def validate_upload(uploaded_file, *, types: tuple[FileType, ...] = DOCUMENT_TYPES) -> FileType:
    """The type of an upload that may be stored; ValidationError (bokmål, naming the
    file) when it is empty, too large, of a type not accepted, or not what its name says."""
    name = PurePath(uploaded_file.name or "").name
    size = uploaded_file.size
    if not size:
        raise ValidationError(
            _("The file «%(name)s» is empty. Choose the file again, or another one.")
            % {"name": name},
            code="empty",
        )
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _(
                "The file «%(name)s» is %(size)s MB; the limit is %(limit)s MB. "
                "Make the file smaller (for instance by saving a PDF in a smaller size) "
                "or split it in two."
            )
            % {"name": name, "size": megabytes(size, round_up=True), "limit": megabytes(limit)},
            code="too_large",
        )
    expected = file_type_for(name, types)
    if expected is None:
        raise ValidationError(
            _("The file «%(name)s» cannot be uploaded here. Accepted file types: %(types)s.")
            % {
                "name": name,
                "types": get_text_list([t.accepted for t in types], _("and")),
            },
            code="type_not_accepted",
        )
    detected = detect_content_type(uploaded_file)
    if detected != expected.mime:
        raise ValidationError(
            _(
                "The file «%(name)s» is not %(expected)s: its content looks like %(actual)s. "
                "Choose the right file."
            )
            % {"name": name, "expected": expected.a_name, "actual": _looks_like(detected)},
            code="wrong_type",
        )
    return expected


# Upload handling --------------------------------------------------------------------


class TooLargeUpload(SimpleUploadedFile):
    """A file that was over the limit while it arrived: its size, none of its content."""

    def __init__(self, name, content_type, size):
        super().__init__(name, b"", content_type)
        self.size = size


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: once a file passes DOCUMENT_MAX_BYTES, the rest of it
    is counted and dropped instead of being passed on to memory or a temporary file, and
    the form gets a TooLargeUpload that validate_upload refuses with its message at the
    field. Django's parser still reads the request to its end (it must, to reach the
    fields after the file); the reverse proxy's body limit stops larger requests before
    they arrive (README «Hostile input»)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.DOCUMENT_MAX_BYTES:
            return None  # the handlers after this one get nothing more
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.DOCUMENT_MAX_BYTES:
            return TooLargeUpload(self.file_name, self.content_type, self.received)
        return None


# Form parts ------------------------------------------------------------------------

CHOOSE_AGAIN = gettext_lazy(
    "Choose the file again: a browser cannot keep a chosen file when the page is shown again."
)


def document_help_text():
    """The accepted kinds of document and the size limit, for a file field's help."""
    return _(
        "PDF, Word, Excel, OpenDocument text or spreadsheet, PNG or JPEG; at most %(limit)s MB."
    ) % {"limit": megabytes(settings.DOCUMENT_MAX_BYTES)}


def document_file_input():
    return forms.FileInput(
        attrs={"accept": ",".join(ext for t in DOCUMENT_TYPES for ext in t.extensions)}
    )


class UploadFormMixin:
    """A file chosen before an error is gone from the page (browsers do not keep it), so
    the field says so; everything else the user typed stays. `upload_field` names the
    field; an optional one says so only when a file was chosen."""

    upload_field = "file"

    def full_clean(self):
        super().full_clean()
        name = self.upload_field
        field = self.fields[name]
        chosen = field.required or self.files.get(self.add_prefix(name))
        if self.is_bound and self._errors and chosen:
            field.help_text = f"{CHOOSE_AGAIN} {field.help_text}".strip()
            # The bound field copied the help text when cleaning made it.
            self[name].help_text = field.help_text
