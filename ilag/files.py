"""Where stored files go: generated names, never the name the user gave; and how a
stored file is handed out."""

import os
import tempfile
import uuid
from pathlib import Path, PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse
from django.utils import timezone


def generated_upload_to(folder: str):
    def upload_to(instance, filename):
        suffix = PurePath(filename).suffix.lower()[:10]
        return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    upload_to.__name__ = f"upload_to_{folder}"
    return upload_to


def signed_agreement_upload_to(instance, filename):
    return generated_upload_to("agreements")(instance, filename)


def milestone_document_upload_to(instance, filename):
    return generated_upload_to("milestones")(instance, filename)


def document_upload_to(instance, filename):
    return generated_upload_to("documents")(instance, filename)


def report_file_upload_to(instance, filename):
    return generated_upload_to("reports")(instance, filename)


def reports_storage():
    """Where the PDF report files go (settings.STORAGES["reports"]): local disk or S3."""
    return storages["reports"]


def private_download(handle, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment: never rendered by the browser as something else,
    never kept in a shared cache."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def store_whole(storage, name: str, content: bytes) -> str:
    """Store `content` under `name` (or a free name like it), whole or not at all, and
    return the name it got. On local disk the bytes go to a temporary file in the same folder
    that is renamed into place, so a half-written file is never visible."""
    name = storage.generate_filename(name)
    if isinstance(storage, FileSystemStorage):
        name = storage.get_available_name(name)
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            if storage.file_permissions_mode is not None:
                os.chmod(temporary, storage.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name
    # Object stores write an object in one request: it exists whole or not at all.
    return storage.save(name, ContentFile(content))
