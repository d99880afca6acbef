from django.urls import path

from projects.views import projects as views
from projects.views import proposals, reports

# The project and status report pages are the portal's (portal/urls.py).
app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("ny/avtale/<int:agreement>/", proposals.ProjectProposeView.as_view(), name="propose"),
    path("<int:pk>/rediger/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:pk>/send-inn/", proposals.ProjectSubmitView.as_view(), name="submit"),
    path("<int:pk>/behandle/", proposals.ProjectReviewView.as_view(), name="review"),
    path("<int:pk>/avslutt/", proposals.ProjectCloseView.as_view(), name="close"),
    path("<int:pk>/gjenapne/", proposals.ProjectReopenView.as_view(), name="reopen"),
    path("<int:pk>/budsjett/", views.ProjectFinancingView.as_view(), name="financing"),
    path("<int:pk>/maltall/", views.ProjectTargetsView.as_view(), name="targets"),
    path(
        "<int:pk>/statusrapporter/ny/",
        reports.ReportCreateView.as_view(),
        name="report-create",
    ),
    path("statusrapporter/", reports.ReportListView.as_view(), name="report-list"),
    path(
        "endringsmeldinger/<int:pk>/",
        proposals.ChangeRequestDetailView.as_view(),
        name="change-detail",
    ),
    path(
        "endringsmeldinger/<int:pk>/vurder/",
        proposals.ChangeRequestReviewView.as_view(),
        name="change-review",
    ),
    path(
        "statusrapporter/<int:pk>/rediger/",
        reports.ReportUpdateView.as_view(),
        name="report-update",
    ),
    path(
        "statusrapporter/<int:pk>/send-inn/",
        reports.ReportSubmitView.as_view(),
        name="report-submit",
    ),
    path(
        "statusrapporter/<int:pk>/vurder/",
        reports.ReportReviewView.as_view(),
        name="report-review",
    ),
]
