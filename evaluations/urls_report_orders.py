"""PDF status reports under /milepeler/ (namespace «evaluations»).

An order's own pages live under rapporter/bestilling/<pk>/, because rapporter/<pk>/ is
already a milestone report (evaluations/urls.py).
"""

from django.db import transaction
from django.urls import path

from evaluations import views_reports

urlpatterns = [
    path("rapporter/", views_reports.ReportOrderListView.as_view(), name="report-orders"),
    path(
        "rapporter/bestill/",
        # The order must be committed, and queued, before the page tells the user so.
        transaction.non_atomic_requests(views_reports.ReportOrderCreateView.as_view()),
        name="report-order-create",
    ),
    path(
        "rapporter/bestilling/<int:pk>/",
        views_reports.ReportOrderDetailView.as_view(),
        name="report-order-detail",
    ),
    path(
        "rapporter/bestilling/<int:pk>/status/",
        views_reports.ReportOrderStatusView.as_view(),
        name="report-order-status",
    ),
    path(
        "rapporter/bestilling/<int:pk>/last-ned/",
        views_reports.ReportOrderDownloadView.as_view(),
        name="report-order-download",
    ),
    path(
        "rapporter/bestilling/<int:pk>/endelig/",
        views_reports.ReportOrderFinalView.as_view(),
        name="report-order-final",
    ),
]
