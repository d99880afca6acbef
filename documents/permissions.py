"""Object permissions for documents: one function per decision.

A document is as visible as what it is attached to (`Document.objects.visible_to`).
"""

from agreements.models import Agreement
from agreements.permissions import can_edit_agreement
from documents.models import Document
from evaluations.models import MilestoneReport
from evaluations.permissions import can_edit_milestone_report
from payouts.models import PaymentRequest
from payouts.permissions import can_edit_payment_request
from projects.models import ProgressReport, Project
from projects.permissions import can_edit_project, can_edit_report

# Who may attach to each kind of parent: its editors while they may still change it.
ATTACH_PERMISSION = {
    Project: can_edit_project,
    Agreement: can_edit_agreement,
    ProgressReport: can_edit_report,
    MilestoneReport: can_edit_milestone_report,
    PaymentRequest: can_edit_payment_request,
}


def can_view_document(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def can_attach_document(user, parent) -> bool:
    """Attach to a project its editors; to an agreement its advisers; to a report its
    writers while they may still edit it."""
    permission = ATTACH_PERMISSION.get(type(parent))
    return permission is not None and permission(user, parent)


def can_delete_document(user, document) -> bool:
    """Whoever may attach to the parent may remove a document from it."""
    return can_attach_document(user, document.parent)
