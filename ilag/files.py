"""Where uploaded files go: generated names, never the name the user gave."""

import uuid
from pathlib import PurePath

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


def private_download(handle, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment: never rendered by the browser as something else,
    never kept in a shared cache."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
