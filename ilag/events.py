"""Domain events that the layers above may act on: the lower apps' services announce
them, inside their transaction, and know nothing of who listens.

The archive (archive/apps.py) listens to `archivable`: the documents the law says must
be archived (arkivlova) become outbox rows in the same transaction, so none is lost.
"""

from django.dispatch import Signal

# Sent with `kind` (one of the names below) and `instance` (the row the event is about).
archivable = Signal()

AGREEMENT_SIGNED = "agreement_signed"
ADDENDUM_SIGNED = "addendum_signed"
PROJECT_APPROVED = "project_approved"
CHANGE_APPROVED = "change_approved"
FINAL_REPORT_APPROVED = "final_report_approved"
COMMITTEE_REPORT_FINAL = "committee_report_final"
PAYMENT_ORDER_MADE = "payment_order_made"


def archivable_event(kind: str, instance) -> None:
    """Announce that `instance` is now a document to be archived (call it inside the
    transaction that made it so)."""
    archivable.send(sender=type(instance), kind=kind, instance=instance)
