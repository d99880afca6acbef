"""The grant's money in the portal: a project's payouts page, payment requests from draft
to approval (with their documents and the payment order PDF the approval orders), payouts
marked paid, payout plans, and the list and export of payouts to pay."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from agreements.models import Agreement, PayoutPlanLevel, Programme
from archive.models import ArchiveRecord
from archive.permissions import can_follow_archive
from documents.models import Document
from documents.permissions import can_attach_document
from documents.views import DOCUMENT_PAGES
from ilag.paging import Section
from ilag.review import EditConflict, ReviewStatus
from ilag.views import ReadOnlyPageMixin, add_service_errors, conflict_message
from payouts import services
from payouts.export import export_csv, export_xlsx, payouts_to_pay
from payouts.forms import (
    MarkPaidForm,
    PaymentRequestForm,
    RequestReviewForm,
    RequestSubmitForm,
    TrancheForm,
    TrancheFormSet,
    filled_forms,
    plan_entries,
)
from payouts.models import PaymentRequest, Payout, RequestCost, Settlement
from payouts.permissions import (
    can_edit_payment_request,
    can_edit_plan,
    can_export_payouts,
    can_mark_payout_paid,
    can_request_payout,
    can_review_payment_request,
    can_view_project_payouts,
)
from portal.views.archive import archive_records_for
from projects.models import Project
from projects.views.mixins import VisibleProjectMixin
from reports.models import ReportOrder
from reports.services import payment_order_create
from reports.views import status_message


class ProjectPayoutsView(ReadOnlyPageMixin, VisibleProjectMixin, TemplateView):
    """The project's grant: the payout plan with what each tranche allows, the payment
    requests and the payouts, with what is granted, requested, paid and remaining."""

    template_name = "payouts/project_payouts.html"
    permission = staticmethod(can_view_project_payouts)

    def get_context_data(self, **kwargs):
        project = self.project
        user = self.request.user
        money = services.project_money(project)
        holder = services.plan_holder(project)
        payouts = list(
            Payout.objects.filter(project=project)
            .select_related("request__tranche")
            .order_by("ordered_at", "pk")
        )
        return super().get_context_data(
            money=money,
            states=services.tranche_states(project, money=money),
            holder=holder,
            plan_is_project_own=holder is project,
            plan_url=_plan_url(holder),
            can_edit_plan=can_edit_plan(user, holder),
            requests=PaymentRequest.objects.visible_to(user)
            .filter(project=project)
            .select_related("tranche", "submitted_by", "reviewed_by"),
            payouts=payouts,
            settlement=Settlement.objects.filter(project=project).first(),
            can_request=can_request_payout(user, project),
            archive_records=archive_records_for(
                user, project=project, kind=ArchiveRecord.Kind.PAYMENT_ORDER_MADE
            ),
            can_follow_archive=can_follow_archive(user),
            **kwargs,
        )


def _plan_url(holder) -> str:
    if isinstance(holder, Agreement):
        return reverse("payouts:plan-agreement", args=[holder.pk])
    if isinstance(holder, Programme):
        return reverse("payouts:plan-programme", args=[holder.slug])
    return reverse("payouts:plan-project", args=[holder.pk])


class RequestFormMixin:
    template_name = "payouts/request_form.html"

    def form_for(self, project, data=None, *, initial=None, costs=None, states=None):
        return PaymentRequestForm(
            data,
            states=states if states is not None else services.tranche_states(project),
            categories=services.cost_categories(project),
            costs=costs if costs is not None else services.latest_approved_costs(project),
            initial=initial,
        )

    def render_form(self, form):
        return self.render_to_response(self.get_context_data(form=form))


class RequestCreateView(VisibleProjectMixin, RequestFormMixin, TemplateView):
    """A project leader starts a payment request; the costs start from the latest
    approved status report."""

    permission = staticmethod(can_request_payout)

    def get(self, request, *args, **kwargs):
        states = services.tranche_states(self.project)
        first = next((s for s in states if s.is_met and s.available), None)
        initial = {"tranche": first.tranche.pk, "amount": first.available} if first else {}
        return self.render_form(self.form_for(self.project, initial=initial, states=states))

    def post(self, request, *args, **kwargs):
        form = self.form_for(self.project, request.POST)
        if form.is_valid():
            try:
                created = services.request_create(
                    project=self.project, user=request.user, **form.request_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The payment request is saved as a draft. Attach the documents that "
                        "back it, then submit it to the county."
                    ),
                )
                return redirect(created.get_absolute_url())
        return self.render_form(form)


class VisibleRequestMixin:
    def dispatch(self, request, *args, **kwargs):
        self.payment_request = get_object_or_404(
            PaymentRequest.objects.visible_to(request.user)
            .select_related(
                "project__agreement__programme", "tranche", "submitted_by", "reviewed_by"
            )
            # For is_project_leader_of, which the permissions ask several times.
            .prefetch_related("project__municipalities"),
            pk=kwargs["pk"],
        )
        self.project = self.payment_request.project
        if self.permission is not None and not self.permission(request.user, self.payment_request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    permission = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            project=self.project, payment_request=self.payment_request, **kwargs
        )


class RequestUpdateView(VisibleRequestMixin, RequestFormMixin, TemplateView):
    permission = staticmethod(can_edit_payment_request)

    def get(self, request, *args, **kwargs):
        row = self.payment_request
        form = self.form_for(
            self.project,
            initial={
                "tranche": row.tranche_id,
                "amount": row.amount,
                "comment": row.comment,
                "version": row.version,
            },
            costs={c.category_id: c.amount for c in row.costs.all()},
        )
        return self.render_form(form)

    def post(self, request, *args, **kwargs):
        form = self.form_for(self.project, request.POST, costs={})
        if form.is_valid():
            try:
                services.request_save(
                    request=self.payment_request,
                    version=form.cleaned_data.get("version") or -1,
                    user=request.user,
                    **form.request_data(),
                )
            except EditConflict as conflict:
                form.add_error(None, conflict_message(conflict, _("The payment request")))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The payment request is saved."))
                return redirect(self.payment_request.get_absolute_url())
        return self.render_form(form)


class RequestDetailView(VisibleRequestMixin, TemplateView):
    template_name = "payouts/request_detail.html"

    def get_context_data(self, **kwargs):
        row = self.payment_request
        user = self.request.user
        documents = DOCUMENT_PAGES.page(
            Document.objects.visible_to(user)
            .filter(payment_request=row)
            .select_related("uploaded_by"),
            self.request.GET,
        )
        # The costs once, for their table and for the request's costs_total (twice).
        prefetch_related_objects(
            [row], Prefetch("costs", queryset=RequestCost.objects.select_related("category"))
        )
        payouts = list(row.payouts.order_by("pk"))
        for payout in payouts:
            # The request's project, with its programme, for can_mark_payout_paid.
            if payout.project_id == self.project.pk:
                payout.project = self.project
        orders = {
            order.payout_id: order
            for order in ReportOrder.objects.visible_to(user).filter(
                kind=ReportOrder.Kind.PAYMENT_ORDER, payout__in=payouts
            )
        }
        for payout in payouts:
            payout.order = orders.get(payout.pk)
            payout.order_message = status_message(payout.order) if payout.order else ""
            payout.can_mark_paid = not payout.is_paid and can_mark_payout_paid(user, payout)
            payout.paid_form = kwargs.pop(f"paid_form_{payout.pk}", None) or MarkPaidForm(
                initial={"version": payout.version}
            )
        may_edit = can_edit_payment_request(user, row)
        return super().get_context_data(
            costs=list(row.costs.all()),
            documents=documents,
            upload_url=reverse("documents:upload-payment-request", args=[row.pk]),
            can_attach=can_attach_document(user, row),
            can_delete=can_attach_document(user, row),
            can_edit=may_edit,
            submit_form=kwargs.pop("submit_form", None)
            or (RequestSubmitForm(initial={"version": row.version}) if may_edit else None),
            can_review=can_review_payment_request(user, row),
            review_form=kwargs.pop("review_form", None) or RequestReviewForm(),
            payouts=payouts,
            settlement=Settlement.objects.filter(request=row).first(),
            money=services.project_money(self.project),
            **kwargs,
        )


class RequestSubmitView(RequestDetailView):
    http_method_names = ["post"]
    permission = staticmethod(can_edit_payment_request)

    def post(self, request, *args, **kwargs):
        form = RequestSubmitForm(request.POST)
        if form.is_valid():
            row = self.payment_request
            try:
                services.request_submit(
                    request=row,
                    version=form.cleaned_data["version"],
                    user=request.user,
                    confirmed=form.cleaned_data["confirmed"],
                    attachments=Document.objects.filter(payment_request=row).count(),
                )
            except EditConflict as conflict:
                form.add_error(None, conflict_message(conflict, _("The payment request")))
            except ValidationError as error:
                sections = add_service_errors(form, error)
                for messages_ in sections.values():
                    for message in messages_:
                        form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The payment request is submitted. The county will approve it or return it."),
                )
                return redirect(row.get_absolute_url())
        return self.render_to_response(self.get_context_data(submit_form=form))


class RequestReviewView(RequestDetailView):
    """Approve (the payout is ordered and its payment order PDF made) or return."""

    http_method_names = ["post"]
    permission = staticmethod(can_review_payment_request)

    def post(self, request, *args, **kwargs):
        form = RequestReviewForm(request.POST)
        approve = request.POST.get("action") == "approve"
        if form.is_valid():
            try:
                with transaction.atomic():
                    row = services.request_review(
                        request=self.payment_request,
                        user=request.user,
                        approve=approve,
                        comment=form.cleaned_data["comment"],
                        due_date=form.cleaned_data["due_date"],
                    )
                    for payout in row.payouts.all():
                        payment_order_create(payout=payout, user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if approve:
                    messages.success(
                        request,
                        _(
                            "The payment request is approved and the payout ordered. The "
                            "payment order (PDF) is being made."
                        ),
                    )
                else:
                    messages.success(request, _("The payment request is returned to the project."))
                return redirect(row.get_absolute_url())
        return self.render_to_response(self.get_context_data(review_form=form))


class PayoutMarkPaidView(RequestDetailView):
    """An adviser registers what the ledger has paid; a refused form comes back on the
    request's page, at the payout."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.payout = get_object_or_404(
            Payout.objects.visible_to(request.user).select_related("project__agreement__programme"),
            pk=kwargs["pk"],
        )
        if not can_mark_payout_paid(request.user, self.payout):
            raise PermissionDenied
        return super().dispatch(request, *args, **{**kwargs, "pk": self.payout.request_id})

    def post(self, request, *args, **kwargs):
        form = MarkPaidForm(request.POST)
        if form.is_valid():
            try:
                services.payout_mark_paid(
                    payout=self.payout,
                    version=form.cleaned_data["version"],
                    user=request.user,
                    paid_on=form.cleaned_data["paid_on"],
                    voucher_number=form.cleaned_data["voucher_number"],
                )
            except EditConflict as conflict:
                form.add_error(None, conflict_message(conflict, _("The payout")))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The payout is registered as paid."))
                return redirect(self.payment_request.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(**{f"paid_form_{self.payout.pk}": form})
        )


class PlanEditView(FormView):
    """An adviser sets a payout plan: the programme's default, an agreement's or a
    project's (`kind`)."""

    template_name = "payouts/plan_form.html"
    kind = None

    def dispatch(self, request, *args, **kwargs):
        if self.kind == "programme":
            self.holder = get_object_or_404(
                Programme.objects.visible_to(request.user), slug=kwargs["slug"]
            )
            self.programme = self.holder
        elif self.kind == "agreement":
            self.holder = get_object_or_404(
                Agreement.objects.visible_to(request.user).select_related("programme"),
                pk=kwargs["pk"],
            )
            self.programme = self.holder.programme
        else:
            self.holder = get_object_or_404(
                Project.objects.visible_to(request.user).select_related("agreement__programme"),
                pk=kwargs["pk"],
            )
            self.programme = self.holder.agreement.programme
        if not can_edit_plan(request.user, self.holder):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        if self.request.method == "POST":
            return TrancheFormSet(self.request.POST, prefix="tranches")
        tranches = list(self.holder.tranches.all())
        if not tranches and self.kind == "project":
            tranches = list(self.holder.agreement.tranches.all())  # start from the agreement's
        initial = [TrancheForm.initial_for(t) for t in tranches]
        return TrancheFormSet(initial=initial, prefix="tranches")

    def form_valid(self, form):
        formset = form
        try:
            services.plan_save(
                holder=self.holder,
                entries=plan_entries(formset),
                user=self.request.user,
                opened_with=self.request.POST.get("opened_with", ""),
            )
        except services.PlanError as error:
            if error.stale:
                messages.error(self.request, error.plan_errors["__all__"])
                return redirect(self.request.path)
            filled = filled_forms(formset)
            for key, value in error.plan_errors.items():
                if key == "__all__":
                    formset._non_form_errors = formset.error_class([value])
                else:
                    for name, message in value.items():
                        filled[key].add_error(name, message)
            return self.form_invalid(formset)
        messages.success(self.request, _("The payout plan is saved."))
        return redirect(self.success_url_for())

    def success_url_for(self) -> str:
        if self.kind == "project":
            return reverse("payouts:project", args=[self.holder.pk])
        return self.holder.get_absolute_url()

    def get_context_data(self, **kwargs):
        kwargs["formset"] = kwargs.pop("form", None) or self.get_form()
        return super().get_context_data(
            holder=self.holder,
            kind=self.kind,
            programme=self.programme,
            applies=self.applies(self.programme),
            opened_with=services.plan_fingerprint(self.holder),
            cancel_url=self.success_url_for(),
            **kwargs,
        )

    def applies(self, programme) -> bool:
        """Whether this plan is the one that pays (the programme's level), or a default."""
        if self.kind == "programme":
            return False
        level = PayoutPlanLevel.AGREEMENT if self.kind == "agreement" else PayoutPlanLevel.PROJECT
        return programme.payout_plan_level == level


# The work queues page 25 at a time, each with its own parameter.
PENDING_PAGES = Section("anmodninger", per_page=25)
TO_PAY_PAGES = Section("utbetalinger", per_page=25)


class PayoutListView(ReadOnlyPageMixin, TemplateView):
    """Advisers: payment requests waiting for approval and payouts ordered but not yet
    paid, with the export for the finance system."""

    template_name = "payouts/payout_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_export_payouts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = self.request.GET
        pending = (
            PaymentRequest.objects.visible_to(user)
            .filter(status=ReviewStatus.SUBMITTED)
            .select_related(
                "project__agreement", "project__lead_municipality", "tranche", "submitted_by"
            )
            .prefetch_related("project__municipalities")
            .order_by("submitted_at")
        )
        to_pay = payouts_to_pay(user)
        return super().get_context_data(
            pending=PENDING_PAGES.page(pending, query),
            to_pay=TO_PAY_PAGES.page(to_pay, query),
            # All of them, as the export has them (the list shows a page at a time).
            to_pay_total=to_pay.aggregate(total=Coalesce(Sum("amount"), 0))["total"],
            recently_paid=Payout.objects.visible_to(user)
            .paid()
            .select_related("project__lead_municipality", "request")
            .prefetch_related("project__municipalities")
            .order_by("-paid_on", "-pk")[:20],
            today=timezone.localdate(),
            **kwargs,
        )


class PayoutExportView(View):
    """Approved, unpaid payouts for the county's finance system, as .xlsx or .csv."""

    def dispatch(self, request, *args, **kwargs):
        if not can_export_payouts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, fmt):
        rows = payouts_to_pay(request.user)
        if fmt == "csv":
            return export_csv(rows)
        return export_xlsx(rows)
