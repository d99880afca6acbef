"""A project's life in the portal: proposed under an agreement, submitted, approved with
a grant from the agreement's frame (or returned), and in the end closed and reopened."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from agreements.models import Agreement
from ilag.fields import KronerField
from ilag.formats import dato, kr
from ilag.forms import ReviewForm
from ilag.review import EditConflict
from ilag.views import add_service_errors, conflict_message
from projects import services
from projects.forms import ProjectProposalForm
from projects.models import ChangeRequest
from projects.permissions import (
    can_close_project,
    can_propose_project,
    can_reopen_project,
    can_review_change_request,
    can_review_project,
    can_submit_project,
)
from projects.shares import project_shares
from projects.views.mixins import VisibleProjectMixin


class ProjectProposeView(FormView):
    """A leader proposes a project under his municipality's agreement; an adviser
    following the programme makes one directly. It starts as a draft: the budget,
    funding plan and target figures come next, then it is submitted."""

    template_name = "projects/project_propose.html"
    form_class = ProjectProposalForm

    def dispatch(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(
            Agreement.objects.visible_to(request.user).select_related("programme"),
            pk=kwargs["agreement"],
        )
        if not can_propose_project(request.user, self.agreement):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.agreement, "user": self.request.user}

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.cleaned_data}
        try:
            project = services.project_propose(
                agreement=self.agreement,
                user=self.request.user,
                data=data,
                shares=form.share_entries(),
                lead_id=form.lead_id(),
            )
        except ValidationError as error:
            sections = add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, sections=sections))
        messages.success(
            self.request,
            _(
                "The project is saved as a draft. Enter its budget and funding plan next; "
                "then submit it to the county from the project's page."
            ),
        )
        return redirect("projects:financing", pk=project.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement,
            programme=self.agreement.programme,
            remaining=services.frame_remaining(self.agreement),
            **kwargs,
        )


class ProjectSubmitView(VisibleProjectMixin, View):
    """The leader sends the proposal to the advisers following the programme."""

    permission = staticmethod(can_submit_project)

    def post(self, request, pk):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.project_submit(project=self.project, version=version, user=request.user)
        except EditConflict as conflict:
            messages.error(request, conflict_message(conflict, _("The project")))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The proposal is submitted. The county's advisers will approve it or return it."),
            )
        return redirect(self.project.get_absolute_url())


class ProjectReviewForm(forms.Form):
    grant = KronerField(
        label=gettext_lazy("Grant (NOK)"),
        required=False,
        help_text=gettext_lazy("From the agreement's frame; what the funding plan asks for."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment to the proposer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you return the proposal."),
    )


class ProjectReviewView(VisibleProjectMixin, FormView):
    """The adviser's page for a proposal: its figures against the agreement's frame and
    the programme's caps, and approve with a grant or return with a comment."""

    permission = staticmethod(can_review_project)
    template_name = "projects/project_review.html"
    form_class = ProjectReviewForm

    def get_initial(self):
        return {"grant": self.project.county_total()}

    def form_valid(self, form):
        approve = self.request.POST.get("action") == "approve"
        try:
            services.project_review(
                project=self.project,
                user=self.request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
                grant=form.cleaned_data["grant"],
            )
        except ValidationError as error:
            sections = add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, sections=sections))
        messages.success(
            self.request,
            _("The project is approved and under way.")
            if approve
            else _("The proposal is returned to the proposer with your comment."),
        )
        return redirect(self.project.get_absolute_url())

    def get_context_data(self, **kwargs):
        project = self.project
        agreement = project.agreement
        names = {m.pk: m.name for m in project.municipalities.all()}
        return super().get_context_data(
            agreement=agreement,
            programme=agreement.programme,
            budget=project.budget_total(),
            requested=project.county_total(),
            county_share=project.county_share_percent(),
            remaining=services.frame_remaining(agreement, excluding=project),
            problems=services.proposal_errors(project),
            shares=[(names[pk], share) for pk, share in project_shares(project)],
            **kwargs,
        )


class ProjectCloseView(VisibleProjectMixin, FormView):
    """Close an ongoing project whose final report is approved; its figures freeze."""

    permission = staticmethod(can_close_project)
    template_name = "projects/project_close.html"
    form_class = forms.Form

    def form_valid(self, form):
        try:
            services.project_close(project=self.project, user=self.request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("The project is closed; its figures are frozen."))
        return redirect(self.project.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            problems=services.close_errors(self.project),
            final_report=self.project.progress_reports.filter(is_final=True).first(),
            **kwargs,
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the project reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write why the project is reopened.")},
    )


class ProjectReopenView(VisibleProjectMixin, FormView):
    permission = staticmethod(can_reopen_project)
    template_name = "projects/project_reopen.html"
    form_class = ReopenForm

    def form_valid(self, form):
        try:
            services.project_reopen(
                project=self.project, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The project is reopened."))
        return redirect(self.project.get_absolute_url())


class VisibleChangeRequestMixin:
    """The change request from the URL among those the user may see (404), then
    `permission` (403)."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        self.change = get_object_or_404(
            ChangeRequest.objects.visible_to(request.user).select_related(
                "project__agreement__programme__owner", "submitted_by", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )
        self.project = self.change.project
        if self.permission is not None and not self.permission(request.user, self.change):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChangeRequestDetailView(VisibleChangeRequestMixin, TemplateView):
    """What a change request would change, against the project as it is, and the
    adviser's approve or return."""

    template_name = "projects/change_request_detail.html"

    def get_context_data(self, **kwargs):
        change, project = self.change, self.project
        proposed = change.proposed
        owner_id = project.agreement.programme.owner_id
        rows = [
            (
                _("Period"),
                f"{dato(project.start_date)}–{dato(project.end_date)}",
                f"{dato(datetime.date.fromisoformat(proposed['start_date']))}–"
                f"{dato(datetime.date.fromisoformat(proposed['end_date']))}",
            )
            if "start_date" in proposed
            else None,
            (_("Budget"), kr(project.budget_total()), kr(sum(b[2] for b in proposed["budget"])))
            if "budget" in proposed
            else None,
            (
                _("Grant from %(owner)s") % {"owner": project.agreement.programme.owner},
                kr(project.county_total()),
                kr(sum(f[3] for f in proposed["funding"] if f[0] == owner_id)),
            )
            if "funding" in proposed
            else None,
        ]
        return super().get_context_data(
            change=change,
            project=project,
            rows=[row for row in rows if row],
            reasons=change.summary.splitlines(),
            can_review=can_review_change_request(self.request.user, change)
            and change.status == ChangeRequest.Status.SUBMITTED,
            stale=change.status == ChangeRequest.Status.SUBMITTED
            and project.version != change.base_version,
            review_form=ReviewForm(),
            **kwargs,
        )


class ChangeRequestReviewView(VisibleChangeRequestMixin, View):
    permission = staticmethod(can_review_change_request)

    def post(self, request, pk):
        form = ReviewForm(request.POST)
        form.is_valid()
        approve = request.POST.get("action") == "approve"
        try:
            services.change_request_review(
                change=self.change,
                user=request.user,
                approve=approve,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.change.get_absolute_url())
        messages.success(
            request,
            _("The change request is approved and the change applied.")
            if approve
            else _("The change request is returned to the project leader."),
        )
        return redirect(self.project.get_absolute_url())
