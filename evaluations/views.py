from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from accounts.models import Role, User
from agreements.models import Agreement
from evaluations import services
from evaluations.filters import MilestoneFilter
from evaluations.forms import (
    MilestoneAddForm,
    MilestoneDeliverForm,
    MilestoneMoveForm,
    MilestoneReportForm,
    MilestoneUndeliverForm,
)
from evaluations.models import Milestone, MilestoneReport
from evaluations.permissions import (
    can_edit_milestone_report,
    can_manage_milestone,
    can_manage_programme_milestones,
    can_review_milestone_report,
    can_write_milestone_report,
)
from ilag.files import private_download
from ilag.lists import Column, FilteredListView
from ilag.review import EditConflict
from ilag.uploads import file_type_for
from ilag.views import ReviewPostMixin, add_service_errors, conflict_message
from projects.models import Indicator


class VisibleMilestoneMixin:
    """The milestone from the URL among those the user may see (404), then `permission`."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        self.milestone = get_object_or_404(
            Milestone.objects.visible_to(request.user).select_related(
                "programme", "agreement__programme", "project__agreement__programme", "responsible"
            ),
            pk=kwargs["pk"],
        )
        if self.permission is not None and not self.permission(request.user, self.milestone):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def milestone_indicators(milestone):
    """The indicators a milestone report answers for: the projects it concerns."""
    if milestone.project_id:
        return Indicator.objects.filter(project=milestone.project_id)
    if milestone.agreement_id:
        return Indicator.objects.filter(project__agreement=milestone.agreement_id).select_related(
            "project"
        )
    return Indicator.objects.none()


class MilestoneMoveView(VisibleMilestoneMixin, FormView):
    """An adviser moves a due date, giving a reason that the history keeps."""

    permission = staticmethod(can_manage_milestone)
    template_name = "evaluations/milestone_move.html"
    form_class = MilestoneMoveForm

    def get_initial(self):
        return {"due_date": self.milestone.due_date}

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, **kwargs)

    def form_valid(self, form):
        try:
            services.milestone_move(
                milestone=self.milestone,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The due date is moved."))
        return redirect(self.milestone.get_absolute_url())


class MilestoneDeliverView(VisibleMilestoneMixin, FormView):
    """An adviser registers a milestone without a municipal report (the evaluator's, the
    county's own, a one-off) as delivered."""

    permission = staticmethod(can_manage_milestone)
    template_name = "evaluations/milestone_form.html"
    form_class = MilestoneDeliverForm

    def get_initial(self):
        return {"delivered_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            milestone=self.milestone,
            heading=_("Register as delivered"),
            button=_("Register as delivered"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.milestone_deliver(
                milestone=self.milestone,
                delivered_on=form.cleaned_data["delivered_on"],
                note=form.cleaned_data["note"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The milestone is registered as delivered."))
        return redirect(self.milestone.get_absolute_url())


class MilestoneDocumentView(VisibleMilestoneMixin, View):
    """The document delivered for a milestone, for everyone who may see the milestone."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        milestone = self.milestone
        name = milestone.delivered_document.name
        if not name:
            raise Http404
        try:
            handle = milestone.delivered_document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        suffix = PurePath(name).suffix.lower()
        file_type = file_type_for(name)
        return private_download(
            handle,
            filename=f"{slugify(milestone.label) or 'milepel'}{suffix}",
            content_type=file_type.mime if file_type else "application/octet-stream",
        )


class MilestoneUndeliverView(VisibleMilestoneMixin, FormView):
    """An adviser undoes a registered delivery, giving the reason for the history."""

    permission = staticmethod(can_manage_milestone)
    template_name = "evaluations/milestone_form.html"
    form_class = MilestoneUndeliverForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            milestone=self.milestone,
            heading=_("Undo the delivery"),
            button=_("Mark as not delivered"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.milestone_undeliver(
                milestone=self.milestone, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The milestone is marked as not delivered."))
        return redirect(self.milestone.get_absolute_url())


class MilestoneAddView(FormView):
    """An adviser adds a one-off milestone to an agreement."""

    template_name = "evaluations/milestone_add.html"
    form_class = MilestoneAddForm

    def dispatch(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(
            Agreement.objects.visible_to(request.user).select_related("programme"),
            pk=kwargs["pk"],
        )
        if not can_manage_programme_milestones(request.user, self.agreement.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        responsible = User.objects.filter(is_active=True).filter(
            Q(
                groups__name=Role.PROJECT_LEADER,
                municipalities__in=self.agreement.municipalities.all(),
            )
            | Q(groups__name=Role.ADVISER, programmes=self.agreement.programme)
        )
        return {
            **super().get_form_kwargs(),
            "agreement": self.agreement,
            "responsible_choices": responsible.distinct(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    def form_valid(self, form):
        try:
            milestone = services.milestone_add(agreement=self.agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The milestone is added."))
        return redirect(milestone.get_absolute_url())


class MilestoneReportStartView(VisibleMilestoneMixin, View):
    """Open (or make) the report of a report milestone, for its responsible leader."""

    permission = staticmethod(can_write_milestone_report)

    def post(self, request, pk):
        report = services.milestone_report_start(milestone=self.milestone, user=request.user)
        if not report.is_editable_state:
            return redirect(report.get_absolute_url())
        return redirect("evaluations:report-update", pk=report.pk)


class VisibleReportMixin:
    permission = None

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(
            MilestoneReport.objects.visible_to(request.user).select_related(
                "milestone__agreement__programme", "milestone__project", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )
        self.milestone = self.report.milestone
        if self.permission is not None and not self.permission(request.user, self.report):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MilestoneReportUpdateView(VisibleReportMixin, FormView):
    permission = staticmethod(can_edit_milestone_report)
    template_name = "evaluations/report_form.html"
    form_class = MilestoneReportForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.report,
            "indicators": milestone_indicators(self.milestone),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, milestone=self.milestone, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data.get(f) for f in services.REPORT_FIELDS}
        submit = "submit" in self.request.POST
        saved = None
        try:
            report = saved = services.milestone_report_save(
                report=self.report,
                version=form.cleaned_data["version"],
                data=data,
                results=form.indicator_entries(),
            )
            if submit:
                services.milestone_report_submit(report=report, user=self.request.user)
        except EditConflict as conflict:
            form.add_error(None, conflict_message(conflict, _("The report")))
            form.data = form.data.copy()
            form.data["version"] = MilestoneReport.objects.get(pk=self.report.pk).version
            return self.form_invalid(form)
        except ValidationError as error:
            if saved is not None:
                # Saved, not submitted: the page says so truthfully (the summary's heading),
                # and a new save builds on the draft's new version.
                form.saved_message = _(
                    "The draft is saved, but it cannot be submitted yet. Please correct the "
                    "following:"
                )
                form.data = form.data.copy()
                form.data["version"] = saved.version
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The report is submitted to the county.") if submit else _("The draft is saved."),
        )
        return redirect(report.get_absolute_url())


class MilestoneReportReviewView(VisibleReportMixin, ReviewPostMixin, View):
    review = staticmethod(services.milestone_report_review)
    approved_message = gettext_lazy("The report is approved.")
    returned_message = gettext_lazy("The report is returned.")

    permission = staticmethod(can_review_milestone_report)


def _milestone_owner(milestone) -> str:
    if milestone.project_id:
        return str(milestone.project)
    if milestone.agreement_id:
        return str(milestone.agreement)
    return str(milestone.programme)


class MilestoneListView(FilteredListView):
    template_name = "evaluations/milestone_list.html"
    filterset_class = MilestoneFilter
    sort_fields = {"frist": "due_date", "type": "kind", "status": "status"}
    default_sort = "frist"
    export_name = "milepeler"
    export_columns = [
        Column(gettext_lazy("Due date"), lambda m: m.due_date),
        Column(gettext_lazy("Milestone"), lambda m: m.label),
        Column(gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        Column(gettext_lazy("Belongs to"), _milestone_owner),
        Column(gettext_lazy("Status"), lambda m: m.display_state_label()),
        Column(gettext_lazy("Responsible"), lambda m: str(m.responsible or "")),
        Column(gettext_lazy("Delivered on"), lambda m: m.delivered_on),
    ]

    def base_queryset(self):
        return Milestone.objects.visible_to(self.request.user)

    def decorate(self, queryset):
        return queryset.select_related(
            "programme",
            "agreement__programme",
            "project__agreement",
            "project__lead_municipality",
            "responsible",
        ).prefetch_related("project__municipalities")

    def export_title(self):
        return _("Milestones")
