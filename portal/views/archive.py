"""Archiving in the portal: the «Arkivering» page of what failed or waits (send again,
or mark archived by hand with the archive's reference), and the archive status shown on
the pages of what was archived."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.permissions import follows_programme
from agreements.models import Programme
from archive.models import ArchiveRecord
from archive.permissions import can_follow_archive, can_manage_archive_record
from archive.services import (
    archive_record_changed_files,
    archive_record_mark_by_hand,
    archive_record_register,
    archive_record_retry,
    programme_archive_gaps,
)
from ilag.views import ReadOnlyPageMixin, add_service_errors
from portal.forms import ArchiveReferenceForm

# The order an adviser works in: what failed first, then what waits longest.
STATUS_ORDER = {
    ArchiveRecord.Status.FAILED: 0,
    ArchiveRecord.Status.WAITING: 1,
    ArchiveRecord.Status.SENDING: 2,
    ArchiveRecord.Status.SENT: 3,
}


def archive_records_for(user, *, changed: bool = False, **filters) -> list[ArchiveRecord]:
    """The archive records of an object's page that `user` may see, oldest first; with
    `changed`, each record's `changed_files` (the portal's copy differs from what was
    archived: a few files per page, read from storage)."""
    records = list(
        ArchiveRecord.objects.visible_to(user)
        .filter(**filters)
        .select_related("agreement", "addendum", "manual_by")
        .order_by("created_at", "pk")
    )
    for record in records:
        record.changed_files = archive_record_changed_files(record) if changed else []
    return records


def archive_counts(programme) -> dict:
    """The programme's archive records by status: received (or archived by hand),
    failed, and the rest (waiting, sending, sent without a receipt)."""
    counts = dict(
        ArchiveRecord.objects.filter(programme=programme)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    done = sum(counts.get(status, 0) for status in ArchiveRecord.DONE)
    failed = counts.get(ArchiveRecord.Status.FAILED, 0)
    return {"done": done, "failed": failed, "open": sum(counts.values()) - done - failed}


class ArchiveAdviserMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_follow_archive(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ArchiveRecordListView(ReadOnlyPageMixin, ArchiveAdviserMixin, ListView):
    """What is not yet in the archive, in the programmes the adviser follows: failed
    first, then waiting, sending, and sent without a receipt."""

    template_name = "archive/record_list.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        return (
            ArchiveRecord.objects.visible_to(self.request.user)
            .unfinished()
            .select_related("programme", "agreement", "project", "report_order", "payout")
            .order_by("status", "created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = sorted(context["records"], key=lambda r: (STATUS_ORDER.get(r.status, 9), r.pk))
        context["records"] = rows
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for status, count in (
            ArchiveRecord.objects.visible_to(self.request.user)
            .unfinished()
            .order_by()
            .values("status")
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        ):
            counts[status] = count
        context["failed_count"] = counts[ArchiveRecord.Status.FAILED]
        context["waiting_count"] = sum(counts.values()) - context["failed_count"]
        return context


class ProgrammeArchiveView(ReadOnlyPageMixin, ArchiveAdviserMixin, TemplateView):
    """The programme's close-out check: how much of what must be archived (every signed
    agreement and addendum, grant and change decision, approved final report, final
    report to the committee and payment order) the archive has received, and what is
    missing, 50 a page. A page of its own: at thousands of records it reads them all,
    which the programme page (seen every day) should not."""

    template_name = "archive/programme_closeout.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        programme = get_object_or_404(Programme, slug=self.kwargs["slug"])
        if not follows_programme(self.request.user, programme.pk):
            raise PermissionDenied
        summary = programme_archive_gaps(programme)
        page = Paginator(summary.gaps, self.paginate_by).get_page(self.request.GET.get("side"))
        return super().get_context_data(
            programme=programme, summary=summary, gaps=page.object_list, page_obj=page, **kwargs
        )


class ProgrammeArchiveRegisterView(ArchiveAdviserMixin, View):
    """«Registrer for arkivering» on the close-out page: the record of something the
    programme must archive that has none is made and queued, as its event would have."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        programme = get_object_or_404(Programme, slug=self.kwargs["slug"])
        if not follows_programme(request.user, programme.pk):
            raise PermissionDenied
        back = reverse("archive:programme", args=[programme.slug])
        kind, object_id = request.POST.get("kind", ""), request.POST.get("object", "")
        if not object_id.isdigit() or len(object_id) > 12:
            messages.error(request, _("Choose a record from the list to register it."))
            return redirect(back)
        try:
            record = archive_record_register(
                programme=programme, kind=kind, object_id=int(object_id), user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(
            request,
            _("«%(title)s» is registered and sent to the archive; its status is on «Arkivering».")
            % {"title": record.title},
        )
        return redirect(back)


class ArchiveRecordObjectMixin(ArchiveAdviserMixin):
    def get_record(self) -> ArchiveRecord:
        record = get_object_or_404(
            ArchiveRecord.objects.visible_to(self.request.user).select_related("programme"),
            pk=self.kwargs["pk"],
        )
        if not can_manage_archive_record(self.request.user, record):
            raise PermissionDenied
        return record


class ArchiveRecordRetryView(ArchiveRecordObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        try:
            archive_record_retry(record=record, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("«%(title)s» is sent to the archive again.") % {"title": record.title},
            )
        return redirect("archive:list")


class ArchiveRecordMarkView(ArchiveRecordObjectMixin, FormView):
    """Mark a record archived by hand with the archive's reference; a refused form
    comes back with what was typed and the message at the field."""

    template_name = "archive/record_mark.html"
    form_class = ArchiveReferenceForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can_follow_archive(request.user):
            self.record = self.get_record()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        try:
            archive_record_mark_by_hand(
                record=self.record, reference=form.cleaned_data["reference"], user=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("«%(title)s» is marked archived by hand.") % {"title": self.record.title},
        )
        return redirect("archive:list")
