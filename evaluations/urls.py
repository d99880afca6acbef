from django.urls import path

from evaluations import urls_overview, urls_reminders, views

# The milestone and milestone report pages are the portal's (portal/urls.py).
app_name = "evaluations"

urlpatterns = [
    path("", views.MilestoneListView.as_view(), name="milestone-list"),
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
]
