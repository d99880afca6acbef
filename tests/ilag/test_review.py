"""The review workflow every report shares (ilag/review.py), on a status report."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from ilag import review
from ilag.review import EditConflict
from projects.models import ProgressReport, ReportCost
from tests.factories import CostCategoryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    project = ProjectFactory()
    return ProgressReport.objects.create(
        project=project, period_start=project.start_date, period_end=project.end_date
    )


def test_a_stale_version_is_an_edit_conflict_naming_who_saved_last(report):
    writer = UserFactory(role=Role.PROJECT_LEADER)
    with transaction.atomic():
        saved = review.save_draft(
            ProgressReport, pk=report.pk, version=1, fields=["risks"], data={"risks": "Få."}
        )
    saved.history.filter(history_id=saved.history.latest().history_id).update(history_user=writer)
    with pytest.raises(EditConflict) as conflict, transaction.atomic():
        review.save_draft(
            ProgressReport, pk=report.pk, version=1, fields=["risks"], data={"risks": "Mange."}
        )
    assert conflict.value.changed_by == writer
    assert ProgressReport.objects.get(pk=report.pk).risks == "Få."


def test_save_draft_sets_only_the_given_fields_and_counts_the_version(report):
    with transaction.atomic():
        row = review.save_draft(
            ProgressReport,
            pk=report.pk,
            version=1,
            fields=["risks", "achieved"],
            data={"risks": "Få.", "status": "approved"},
        )
    assert (row.risks, row.achieved, row.status, row.version) == ("Få.", "", "draft", 2)


def test_submit_refuses_with_what_is_missing_and_changes_nothing(report):
    leader = UserFactory(role=Role.PROJECT_LEADER)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        review.submit(
            ProgressReport, pk=report.pk, user=leader, errors=lambda row: {"achieved": "Mangler."}
        )
    assert error.value.message_dict == {"achieved": ["Mangler."]}
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.DRAFT


def test_submit_then_return_then_approve_records_who_and_when(report):
    leader, adviser = UserFactory(role=Role.PROJECT_LEADER), UserFactory(role=Role.ADVISER)
    with transaction.atomic():
        row = review.submit(ProgressReport, pk=report.pk, user=leader)
    assert (row.status, row.submitted_by, row.version) == ("submitted", leader, 2)
    assert not row.is_editable_state
    with pytest.raises(ValidationError), transaction.atomic():
        review.review(ProgressReport, pk=report.pk, user=adviser, approve=False, comment=" ")
    with transaction.atomic():
        row = review.review(
            ProgressReport, pk=report.pk, user=adviser, approve=False, comment=" Mer. "
        )
    assert (row.status, row.review_comment, row.reviewed_by) == ("returned", "Mer.", adviser)
    assert row.is_editable_state
    with transaction.atomic():
        review.submit(ProgressReport, pk=report.pk, user=leader)
        row = review.review(ProgressReport, pk=report.pk, user=adviser, approve=True, comment="")
    assert (row.status, row.version) == ("approved", 5)


def test_a_report_not_submitted_cannot_be_reviewed_or_submitted_twice(report):
    adviser = UserFactory(role=Role.ADVISER)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        review.review(ProgressReport, pk=report.pk, user=adviser, approve=True, comment="")
    assert error.value.code == "invalid_transition"
    with transaction.atomic():
        review.submit(ProgressReport, pk=report.pk, user=adviser)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        review.submit(ProgressReport, pk=report.pk, user=adviser)
    assert error.value.code == "already"


def test_sync_children_writes_only_what_changed(report):
    kept, changed, removed, added = CostCategoryFactory.create_batch(
        4, programme=report.project.agreement.programme
    )
    for category in (kept, changed, removed):
        ReportCost.objects.create(report=report, category=category, amount=100)
    review.sync_children(
        report.costs.all(),
        {kept.pk: (100,), changed.pk: (250,), removed.pk: None, added.pk: (75,)},
        key="category_id",
        fields=("amount",),
        create=lambda category, values: ReportCost.objects.create(
            report=report, category_id=category, amount=values[0]
        ),
    )
    amounts = dict(report.costs.values_list("category_id", "amount"))
    assert amounts == {kept.pk: 100, changed.pk: 250, added.pk: 75}
    # created three, then: one change, one removal, one creation; nothing for the kept one
    assert ReportCost.history.filter(category=kept).count() == 1
    assert ReportCost.history.count() == 6
