"""Attaching documents to projects, agreements and reports, and removing them."""

from pathlib import PurePath

from django.db import transaction

from agreements.models import Agreement
from documents.models import Document
from evaluations.models import MilestoneReport
from ilag.uploads import validate_upload
from payouts.models import PaymentRequest
from projects.models import ProgressReport, Project

PARENT_FIELD = {
    Project: "project",
    Agreement: "agreement",
    ProgressReport: "progress_report",
    MilestoneReport: "milestone_report",
    PaymentRequest: "payment_request",
}


def _parent_field(parent) -> str:
    try:
        return PARENT_FIELD[type(parent)]
    except KeyError:
        raise TypeError(f"Documents cannot be attached to {type(parent).__name__}") from None


@transaction.atomic
def document_attach(*, parent, uploaded_file, title: str, user) -> Document:
    """Store an upload under a generated name and attach it to one project, agreement or
    report; ValidationError when the file may not be stored."""
    file_type = validate_upload(uploaded_file)
    document = Document(
        title=title.strip(),
        original_name=PurePath(uploaded_file.name).name[:255],
        content_type=file_type.mime,
        size=uploaded_file.size,
        uploaded_by=user,
        **{_parent_field(parent): parent},
    )
    document._history_user = user
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_delete(*, document: Document, user) -> None:
    """Remove a document: its history keeps the row, and the stored file is deleted once
    the removal is committed (never before, so a rollback loses nothing)."""
    storage, name = document.file.storage, document.file.name
    document._history_user = user
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
