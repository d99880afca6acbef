import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from ilag.lists import Column, FilteredListView
from ilag.review import EditConflict
from ilag.views import ReviewPostMixin, add_service_errors, conflict_message
from projects import services
from projects.filters import ProgressReportFilter
from projects.forms import ProgressReportCreateForm, ProgressReportForm
from projects.models import ProgressReport
from projects.permissions import (
    can_create_report,
    can_edit_report,
    can_review_report,
    can_submit_report,
)
from projects.views.mixins import VisibleProjectMixin


class VisibleReportMixin:
    """The report from the URL among those the user may see (404), then `permission` (403)."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(
            ProgressReport.objects.visible_to(request.user)
            .select_related("project__agreement__programme__owner", "submitted_by", "reviewed_by")
            # For is_project_leader_of, which the permissions ask several times.
            .prefetch_related("project__municipalities"),
            pk=kwargs["pk"],
        )
        self.project = self.report.project
        if self.permission is not None and not self.permission(request.user, self.report):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportCreateView(VisibleProjectMixin, FormView):
    permission = staticmethod(can_create_report)
    template_name = "projects/report_create.html"
    form_class = ProgressReportCreateForm

    def get(self, request, *args, **kwargs):
        open_report = services.open_status_report(self.project)
        if open_report is not None:
            messages.info(
                request,
                _(
                    "The project's status report for %(period)s is still being written; go on with it."
                )
                % {"period": open_report},
            )
            return redirect("projects:report-update", pk=open_report.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        last = self.project.progress_reports.order_by("-period_end").first()
        start, end = services.proposed_report_period(
            self.project, last.period_end if last else None, timezone.localdate()
        )
        return {"period_start": start, "period_end": end}

    def form_valid(self, form):
        try:
            report = services.report_create(
                project=self.project,
                user=self.request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft status report is created."))
        return redirect("projects:report-update", pk=report.pk)


class ReportUpdateView(VisibleReportMixin, FormView):
    permission = staticmethod(can_edit_report)
    template_name = "projects/report_form.html"
    form_class = ProgressReportForm

    def form_invalid(self, form):
        """On «Submit», what submission will ask for is shown with the form's own
        errors, all at once, rather than one round after the other."""
        if "submit" in self.request.POST:
            probe = copy.copy(self.report)
            for name in services.REPORT_FIELDS:
                if name in form.cleaned_data:
                    value = form.cleaned_data[name]
                    if value is None and isinstance(getattr(probe, name), str):
                        value = ""
                    setattr(probe, name, value)
            for name, message in services.report_submission_errors(probe).items():
                if name in form.fields and name not in form.errors:
                    form.add_error(name, message)
        return super().form_invalid(form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.report}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, project=self.project, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data.get(f) for f in services.REPORT_FIELDS}
        data["traffic_light"] = data["traffic_light"] or ""
        saved = None
        try:
            report = saved = services.report_save(
                report=self.report,
                version=form.cleaned_data["version"],
                data=data,
                costs=form.costs(),
                indicator_values=form.indicator_entries(),
            )
            if "submit" in self.request.POST:
                services.report_submit(
                    report=report, version=report.version, user=self.request.user
                )
        except EditConflict as conflict:
            form.add_error(None, conflict_message(conflict, _("The status report")))
            data = form.data.copy()
            data["version"] = ProgressReport.objects.values_list("version", flat=True).get(
                pk=self.report.pk
            )
            form.data = data
            return self.form_invalid(form)
        except ValidationError as error:
            if saved is not None:
                # Saved, not submitted: the page says so, and a new save builds on the
                # draft's new version.
                form.saved_message = _(
                    "The draft is saved, but it cannot be submitted yet. Please correct the "
                    "following:"
                )
                data = form.data.copy()
                data["version"] = saved.version
                form.data = data
            add_service_errors(form, error)
            return self.form_invalid(form)
        if "submit" in self.request.POST:
            messages.success(self.request, _("The status report is submitted to the county."))
        else:
            messages.success(self.request, _("The draft is saved."))
        return redirect(report.get_absolute_url())


class ReportSubmitView(VisibleReportMixin, View):
    """Submit from the report page. Only the project's leaders; a report that is not a
    draft or returned says why."""

    permission = staticmethod(can_submit_report)

    def post(self, request, pk):
        try:
            services.report_submit(
                report=self.report, version=self.report.version, user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            if hasattr(error, "error_dict"):
                return redirect("projects:report-update", pk=self.report.pk)
        else:
            messages.success(request, _("The status report is submitted to the county."))
        return redirect(self.report.get_absolute_url())


class ReportReviewView(VisibleReportMixin, ReviewPostMixin, View):
    """An adviser approves a submitted report or returns it with a comment."""

    review = staticmethod(services.report_review)
    approved_message = gettext_lazy("The status report is approved.")
    returned_message = gettext_lazy("The status report is returned to the project leader.")

    permission = staticmethod(can_review_report)


class ReportListView(FilteredListView):
    """Status reports the user may see (drafts only for their own municipalities)."""

    template_name = "projects/report_list.html"
    filterset_class = ProgressReportFilter
    sort_fields = {
        "periode": "period_end",
        "prosjekt": "project__title",
        "status": "status",
        "statuslys": "traffic_light",
        "ferdig": "percent_complete",
    }
    default_sort = "-periode"
    export_name = "statusrapporter"
    export_columns = [
        Column(gettext_lazy("Project"), lambda r: r.project.title),
        Column(gettext_lazy("Programme"), lambda r: str(r.project.agreement.programme)),
        Column(gettext_lazy("Period from"), lambda r: r.period_start),
        Column(gettext_lazy("Period to"), lambda r: r.period_end),
        Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
        Column(gettext_lazy("Status light"), lambda r: r.get_traffic_light_display()),
        Column(gettext_lazy("Percent complete"), lambda r: r.percent_complete),
        Column(gettext_lazy("Achieved in the period"), lambda r: r.achieved),
        Column(gettext_lazy("Lesson worth sharing"), lambda r: r.lesson_learned),
        Column(
            gettext_lazy("Submitted"),
            lambda r: timezone.localdate(r.submitted_at) if r.submitted_at else None,
        ),
    ]

    def base_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user)

    def decorate(self, queryset):
        return queryset.select_related(
            "project__agreement__programme", "project__lead_municipality"
        ).prefetch_related("project__municipalities")

    def export_title(self):
        return _("Status reports")
