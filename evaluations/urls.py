from django.urls import path

from evaluations import urls_overview, urls_reminders, urls_report_orders, views

app_name = "evaluations"

urlpatterns = [
    path("", views.MilestoneListView.as_view(), name="milestone-list"),
    path("<int:pk>/", views.MilestoneDetailView.as_view(), name="milestone-detail"),
    path("<int:pk>/flytt/", views.MilestoneMoveView.as_view(), name="milestone-move"),
    path("<int:pk>/levert/", views.MilestoneDeliverView.as_view(), name="milestone-deliver"),
    path("<int:pk>/dokument/", views.MilestoneDocumentView.as_view(), name="milestone-document"),
    path(
        "<int:pk>/ikke-levert/", views.MilestoneUndeliverView.as_view(), name="milestone-undeliver"
    ),
    path(
        "avtale/<int:pk>/ny/",
        views.MilestoneAddView.as_view(),
        name="milestone-add",
    ),
    path("<int:pk>/rapport/", views.MilestoneReportStartView.as_view(), name="report-start"),
    path("rapporter/<int:pk>/", views.MilestoneReportDetailView.as_view(), name="report-detail"),
    path(
        "rapporter/<int:pk>/rediger/",
        views.MilestoneReportUpdateView.as_view(),
        name="report-update",
    ),
    path(
        "rapporter/<int:pk>/vurder/",
        views.MilestoneReportReviewView.as_view(),
        name="report-review",
    ),
    *urls_reminders.urlpatterns,
    *urls_overview.urlpatterns,
    *urls_report_orders.urlpatterns,
]
