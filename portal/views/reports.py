"""The reports app's pages that also show what the archive has of them: a final report
to the committee is archived (archive/), which sits above reports, so these pages are
the portal's, on the reports app's own addresses (portal/urls.py)."""

from archive.models import ArchiveRecord
from archive.permissions import can_follow_archive
from portal.views.archive import archive_records_for
from reports import views as reports_views


class ReportOrderDetailView(reports_views.ReportOrderDetailView):
    """A report order, with the archive status of a final report to the committee."""

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            archive_records=archive_records_for(user, report_order=self.object)
            if self.object.is_final
            else [],
            can_follow_archive=can_follow_archive(user),
            **kwargs,
        )


class CommitteeMattersView(reports_views.CommitteeMattersView):
    """The committee's matters; an adviser also sees whether each report is archived."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        orders = list(context["object_list"])  # the page's, as the meetings hold them
        records = {
            record.report_order_id: record
            for record in ArchiveRecord.objects.visible_to(self.request.user).filter(
                kind=ArchiveRecord.Kind.COMMITTEE_REPORT_FINAL,
                report_order__in=[order.pk for order in orders],
            )
        }
        for order in orders:
            order.archive_record = records.get(order.pk)
        return context
