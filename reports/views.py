"""Pages for ordering PDF status reports, following them while they are made, and
downloading them. Every order is looked up in what the user may see, so a guessed id
gives 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from ilag.files import reports_storage
from ilag.validators import only_digits
from ilag.views import ReadOnlyPageMixin, add_service_errors
from reports.forms import ReportOrderFinalForm, ReportOrderForm, orderable_projects
from reports.models import ReportOrder
from reports.permissions import can_mark_report_final, can_order_reports
from reports.reporting import report_filename
from reports.services import (
    FinalReportError,
    report_order_create,
    report_order_mark_final,
)

QUEUE_DOWN_MESSAGE = gettext_lazy(
    "The report is ordered, but the queue is not available right now. It will be made as "
    "soon as the queue is up again."
)


def status_message(order: ReportOrder) -> str:
    """What the order's state means for the person waiting, in a sentence."""
    if order.status == ReportOrder.Status.READY:
        return _("The report is ready.")
    if order.status == ReportOrder.Status.FAILED:
        return order.failure_reason or _("The report could not be made. Try again.")
    if order.status == ReportOrder.Status.RENDERING:
        return _("The report is being made now. This usually takes less than a minute.")
    if order.queue_delayed:
        return _(
            "The queue was not available when the report was ordered. It will be made as "
            "soon as the queue is up again."
        )
    return _("The report is waiting in the queue and will be made shortly.")


def visible_orders(user):
    return (
        ReportOrder.objects.visible_to(user)
        .select_related(
            "programme", "municipality", "project__lead_municipality", "ordered_by", "payout"
        )
        .prefetch_related("project__municipalities")
    )


class ReportOrderListView(ReadOnlyPageMixin, ListView):
    template_name = "reports/report_order_list.html"
    context_object_name = "orders"
    paginate_by = 25

    def get_queryset(self):
        return visible_orders(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_order=can_order_reports(self.request.user), **kwargs)


class ReportOrderCreateView(FormView):
    """Advisers and project leaders order; committee readers and partners get 403.

    Routed without ATOMIC_REQUESTS (see urls_report_orders.py): the service's own
    transaction commits before the view answers, so the order is queued, or known to be
    waiting for the queue, by the time the user is told."""

    template_name = "reports/report_order_form.html"
    form_class = ReportOrderForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_order_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # Advisers most often order the committee report; leaders order project reports.
        initial = {
            "kind": ReportOrder.Kind.PROGRAMME
            if self.request.user.is_adviser
            else ReportOrder.Kind.PROJECT
        }
        if project_id := self.request.GET.get("prosjekt"):
            # From a project's page: only a project the user may order a report on.
            if not only_digits(project_id):
                raise Http404
            project = get_object_or_404(orderable_projects(self.request.user), pk=project_id)
            initial.update(kind=ReportOrder.Kind.PROJECT, project=project)
        return initial

    def form_invalid(self, form):
        # The choices offered are all the user may order; anything else was not chosen on
        # this page (a guessed or altered id) and is refused outright.
        if any(form.has_error(name, "invalid_choice") for name in form.fields):
            raise PermissionDenied
        return super().form_invalid(form)

    def form_valid(self, form):
        try:
            order = report_order_create(user=self.request.user, **form.order_kwargs())
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        if order.queue_delayed:
            messages.warning(self.request, QUEUE_DOWN_MESSAGE)
        else:
            messages.success(
                self.request, _("The report is ordered. This page shows when it is ready.")
            )
        return redirect(order.get_absolute_url())


class ReportOrderDetailView(DetailView):
    template_name = "reports/report_order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return visible_orders(self.request.user)

    def get_context_data(self, **kwargs):
        order = self.object
        can_final = can_mark_report_final(self.request.user, order)
        return super().get_context_data(
            status_message=status_message(order),
            can_mark_final=can_final,
            status_url=reverse("reports:status", args=[order.pk]),
            download_url=reverse("reports:download", args=[order.pk]),
            **kwargs,
        )


class ReportOrderStatusView(View):
    """The order's state as JSON, polled by static/js/report-status.js."""

    def get(self, request, pk):
        order = get_object_or_404(ReportOrder.objects.visible_to(request.user), pk=pk)
        ready = order.status == ReportOrder.Status.READY
        return JsonResponse(
            {
                "status": order.status,
                "label": str(order.get_status_display()),
                "message": str(status_message(order)),
                "download_url": reverse("reports:download", args=[order.pk]) if ready else None,
            },
            headers={"Cache-Control": "no-store"},
        )


class ReportOrderDownloadView(View):
    """The finished PDF as an attachment; 404 until it is ready."""

    def get(self, request, pk):
        order = get_object_or_404(visible_orders(request.user), pk=pk)
        if order.status != ReportOrder.Status.READY or not order.file.name:
            raise Http404(_("The report is not ready."))
        try:
            handle = reports_storage().open(order.file.name, "rb")
        except FileNotFoundError as error:
            raise Http404(_("The report's file is missing.")) from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=report_filename(order),
            content_type="application/pdf",
        )


class ReportOrderFinalView(DetailView):
    """An adviser following the programme marks a ready report to the committee final:
    the page shows what will be frozen (the PDF, the meeting, the assessment) and asks for
    what is missing and for a confirmation."""

    template_name = "reports/report_order_final.html"
    context_object_name = "order"

    def get_queryset(self):
        return visible_orders(self.request.user)

    def get_object(self, queryset=None):
        order = super().get_object(queryset)
        if not can_mark_report_final(self.request.user, order):
            raise PermissionDenied
        return order

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ReportOrderFinalForm(order=self.object))
        return super().get_context_data(
            download_url=reverse("reports:download", args=[self.object.pk]), **kwargs
        )

    def post(self, request, *args, **kwargs):
        order = self.object = self.get_object()
        form = ReportOrderFinalForm(request.POST, order=order)
        if form.is_valid():
            try:
                report_order_mark_final(
                    order=order,
                    user=request.user,
                    meeting_organ=form.cleaned_data.get("meeting_organ", ""),
                    meeting_date=form.cleaned_data.get("meeting_date"),
                    case_number=form.cleaned_data.get("case_number", ""),
                )
            except FinalReportError as error:
                form.add_error(None, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The report is final. It will never be changed or deleted.")
                )
                return redirect(order.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class CommitteeMattersView(ReadOnlyPageMixin, ListView):
    """«Saker til politisk behandling»: the final reports to the committee, grouped by
    meeting (committee, date, case number), newest meeting first. Where committee readers
    land; advisers see the same list of what their committees were given."""

    template_name = "reports/committee_matters.html"
    paginate_by = 20

    def get_queryset(self):
        return (
            visible_orders(self.request.user)
            .filter(kind=ReportOrder.Kind.PROGRAMME, is_final=True)
            .order_by("-meeting_date", "meeting_organ", "case_number", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = []
        for order in context["object_list"]:
            key = (order.meeting_date, order.meeting_organ, order.case_number)
            if not meetings or meetings[-1]["key"] != key:
                meetings.append({"key": key, "order": order, "reports": []})
            meetings[-1]["reports"].append(order)
        context["meetings"] = meetings
        return context
