"""Documents attached to projects, agreements, status reports and milestone reports."""

from django.urls import path

from agreements.models import Agreement
from documents import views
from evaluations.models import MilestoneReport
from payouts.models import PaymentRequest
from projects.models import ProgressReport, Project

app_name = "documents"

urlpatterns = [
    path(
        "prosjekter/<int:pk>/dokumenter/ny/",
        views.DocumentUploadView.as_view(model=Project, related=["agreement__programme"]),
        name="upload-project",
    ),
    path(
        "avtaler/<int:pk>/dokumenter/ny/",
        views.DocumentUploadView.as_view(model=Agreement, related=["programme"]),
        name="upload-agreement",
    ),
    path(
        "statusrapporter/<int:pk>/dokumenter/ny/",
        views.DocumentUploadView.as_view(
            model=ProgressReport, related=["project__agreement__programme"]
        ),
        name="upload-report",
    ),
    path(
        "milepelrapporter/<int:pk>/dokumenter/ny/",
        views.DocumentUploadView.as_view(
            model=MilestoneReport,
            related=["milestone__agreement__programme", "milestone__project"],
        ),
        name="upload-milestone-report",
    ),
    path(
        "utbetalinger/<int:pk>/dokumenter/ny/",
        views.DocumentUploadView.as_view(
            model=PaymentRequest, related=["project__agreement__programme"]
        ),
        name="upload-payment-request",
    ),
    path("dokumenter/<int:pk>/", views.DocumentDownloadView.as_view(), name="download"),
    path("dokumenter/<int:pk>/slett/", views.DocumentDeleteView.as_view(), name="delete"),
]
