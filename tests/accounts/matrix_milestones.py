"""Permission-matrix rows for milestones, one-off milestones and milestone reports."""

from django.core.files.base import ContentFile

from evaluations.models import Milestone, MilestoneReport
from tests.accounts.test_permission_matrix import LOGIN, every

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HIDDEN = {"anonymous": (LOGIN, LOGIN), "other": (404, 404), "committee": (404, 404),
          "partner": (404, 404)}  # fmt: skip


def report_milestone(w, agreement=None):
    return Milestone.objects.create(
        agreement=agreement or w.agreement,
        kind=Milestone.Kind.MIDTERM_REPORT,
        due_date=(agreement or w.agreement).start_date,
        responsible=w.users["owner"],
    )


def one_off_milestone(w, agreement=None, delivered=False, document=False):
    """A milestone without a municipal report: the adviser registers its delivery."""
    agreement = agreement or w.agreement
    milestone = Milestone(
        agreement=agreement,
        kind=Milestone.Kind.OTHER,
        title="Workshop",
        due_date=agreement.start_date,
        status=Milestone.Status.DELIVERED if delivered else Milestone.Status.PLANNED,
        delivered_on=agreement.start_date if delivered or document else None,
    )
    if document:
        milestone.status = Milestone.Status.DELIVERED
        milestone.delivered_document.save("evaluering.pdf", ContentFile(PDF), save=False)
    milestone.save()
    return milestone


def report(w, status, agreement=None):
    return MilestoneReport.objects.create(
        milestone=report_milestone(w, agreement), status=status, created_by=w.users["owner"]
    )


ROWS = {
    "evaluations:milestone-detail": [
        (lambda w: {"pk": report_milestone(w).pk}, every(200, 405)),
        (
            lambda w: {"pk": report_milestone(w, w.draft_agreement).pk},
            {**HIDDEN, "adviser": (200, 405), "owner": (200, 405)},
        ),
    ],
    "evaluations:milestone-move": [
        (lambda w: {"pk": report_milestone(w).pk}, {**every(403, 403), "adviser": (200, 200)}),
    ],
    "evaluations:milestone-deliver": [
        (lambda w: {"pk": one_off_milestone(w).pk}, {**every(403, 403), "adviser": (200, 200)}),
        (
            lambda w: {"pk": one_off_milestone(w, w.draft_agreement).pk},
            {**HIDDEN, "adviser": (200, 200), "owner": (403, 403)},
        ),
    ],
    "evaluations:milestone-document": [
        (lambda w: {"pk": one_off_milestone(w, document=True).pk}, every(200, 405)),
        (
            lambda w: {"pk": one_off_milestone(w, w.draft_agreement, document=True).pk},
            {**HIDDEN, "adviser": (200, 405), "owner": (200, 405)},
        ),
        (lambda w: {"pk": one_off_milestone(w).pk}, every(404, 405)),  # nothing delivered
    ],
    "evaluations:milestone-undeliver": [
        (
            lambda w: {"pk": one_off_milestone(w, delivered=True).pk},
            {**every(403, 403), "adviser": (200, 200)},
        ),
    ],
    "evaluations:milestone-add": [
        (lambda w: {"pk": w.agreement.pk}, {**every(403, 403), "adviser": (200, 200)}),
        (
            lambda w: {"pk": w.draft_agreement.pk},
            {**HIDDEN, "adviser": (200, 200), "owner": (403, 403)},
        ),
    ],
    "evaluations:report-start": [
        (lambda w: {"pk": report_milestone(w).pk}, {**every(403, 403), "owner": (405, 302)}),
    ],
    "evaluations:report-detail": [
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.DRAFT).pk},
            {**HIDDEN, "adviser": (200, 405), "owner": (200, 405)},
        ),
        (lambda w: {"pk": report(w, MilestoneReport.Status.APPROVED).pk}, every(200, 405)),
    ],
    "evaluations:report-update": [
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.DRAFT).pk},
            {**HIDDEN, "adviser": (403, 403), "owner": (200, 200)},
        ),
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.SUBMITTED).pk},
            {**HIDDEN, "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    "documents:upload-milestone-report": [
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.DRAFT).pk},
            {**HIDDEN, "adviser": (403, 403), "owner": (200, 200)},
        ),
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.SUBMITTED).pk},
            {**HIDDEN, "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    "evaluations:report-review": [
        (
            lambda w: {"pk": report(w, MilestoneReport.Status.SUBMITTED).pk},
            {**HIDDEN, "adviser": (405, 302), "owner": (403, 403)},
        ),
    ],
}
