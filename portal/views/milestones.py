"""A milestone's page and a milestone report's page, with their documents and history."""

from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView

from documents.models import Document
from documents.permissions import can_attach_document
from documents.views import DOCUMENT_PAGES
from evaluations.forms import MilestoneDeliverForm, MilestoneMoveForm, MilestoneUndeliverForm
from evaluations.models import MilestoneReport
from evaluations.permissions import (
    can_edit_milestone_report,
    can_manage_milestone,
    can_review_milestone_report,
    can_write_milestone_report,
)
from evaluations.views import VisibleMilestoneMixin, VisibleReportMixin
from ilag.forms import ReviewForm
from ilag.paging import Section
from ilag.views import ReadOnlyPageMixin
from reports.history import changes_for_milestone, history_page

# The reminders sent for a milestone, newest first: one a week while it is overdue, so an
# old milestone has many.
REMINDER_PAGES = Section("paminnelser", per_page=25)


class MilestoneDetailView(ReadOnlyPageMixin, VisibleMilestoneMixin, DetailView):
    template_name = "evaluations/milestone_detail.html"
    context_object_name = "milestone"

    def get_object(self, queryset=None):
        return self.milestone

    def get_context_data(self, **kwargs):
        user = self.request.user
        milestone = self.milestone
        report = (
            MilestoneReport.objects.visible_to(user).filter(milestone=milestone).first()
            if milestone.is_report
            else None
        )
        return super().get_context_data(
            report=report,
            can_manage=can_manage_milestone(user, milestone),
            can_write=can_write_milestone_report(user, milestone)
            and (report is None or report.is_editable_state),
            move_form=MilestoneMoveForm(initial={"due_date": milestone.due_date}),
            deliver_form=MilestoneDeliverForm(initial={"delivered_on": timezone.localdate()}),
            undeliver_form=MilestoneUndeliverForm(),
            reminders=REMINDER_PAGES.page(
                milestone.reminders.select_related("recipient"), self.request.GET
            ),
            history=changes_for_milestone(
                milestone, user=user, page=history_page(self.request.GET)
            ),
            **kwargs,
        )


class MilestoneReportDetailView(ReadOnlyPageMixin, VisibleReportMixin, DetailView):
    template_name = "evaluations/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return self.report

    def get_context_data(self, **kwargs):
        user = self.request.user

        return super().get_context_data(
            milestone=self.milestone,
            results=self.report.indicator_results.select_related("indicator__project"),
            can_edit=can_edit_milestone_report(user, self.report),
            can_review=can_review_milestone_report(user, self.report),
            review_form=ReviewForm(),
            documents=DOCUMENT_PAGES.page(
                Document.objects.filter(milestone_report=self.report).select_related("uploaded_by"),
                self.request.GET,
            ),
            upload_url=reverse("documents:upload-milestone-report", args=[self.report.pk]),
            can_attach=can_attach_document(user, self.report),
            can_delete=can_attach_document(user, self.report),
            history=changes_for_milestone(
                self.milestone, user=user, page=history_page(self.request.GET)
            ),
            **kwargs,
        )
