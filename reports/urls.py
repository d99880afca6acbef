"""PDF reports and the committee's matters («Saker til politisk behandling») under /rapporter/ (namespace «reports»). They were under /milepeler/rapporter/
until the reports became an app of their own; those addresses redirect here for good
(portal/urls.py)."""

from django.db import transaction
from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportOrderListView.as_view(), name="list"),
    path("utvalg/", views.CommitteeMattersView.as_view(), name="committee"),
    path(
        "bestill/",
        # The order must be committed, and queued, before the page tells the user so.
        transaction.non_atomic_requests(views.ReportOrderCreateView.as_view()),
        name="create",
    ),
    path("bestilling/<int:pk>/", views.ReportOrderDetailView.as_view(), name="detail"),
    path("bestilling/<int:pk>/status/", views.ReportOrderStatusView.as_view(), name="status"),
    path("bestilling/<int:pk>/last-ned/", views.ReportOrderDownloadView.as_view(), name="download"),
    path("bestilling/<int:pk>/endelig/", views.ReportOrderFinalView.as_view(), name="final"),
]
