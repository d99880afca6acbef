"""Files: documents attached to projects, agreements and status reports; budget sheets."""

from django.urls import path

from agreements.models import Agreement
from evaluations.models import MilestoneReport
from projects.models import ProgressReport, Project
from projects.views import documents, excel

app_name = "files"

urlpatterns = [
    path(
        "prosjekter/<int:pk>/dokumenter/ny/",
        documents.DocumentUploadView.as_view(model=Project),
        name="document-upload-project",
    ),
    path(
        "avtaler/<int:pk>/dokumenter/ny/",
        documents.DocumentUploadView.as_view(model=Agreement),
        name="document-upload-agreement",
    ),
    path(
        "statusrapporter/<int:pk>/dokumenter/ny/",
        documents.DocumentUploadView.as_view(model=ProgressReport),
        name="document-upload-report",
    ),
    path(
        "milepelrapporter/<int:pk>/dokumenter/ny/",
        documents.DocumentUploadView.as_view(model=MilestoneReport),
        name="document-upload-milestone-report",
    ),
    path(
        "dokumenter/<int:pk>/",
        documents.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    path(
        "dokumenter/<int:pk>/slett/",
        documents.DocumentDeleteView.as_view(),
        name="document-delete",
    ),
    path(
        "prosjekter/<int:pk>/budsjett.xlsx",
        excel.BudgetExportView.as_view(),
        name="budget-export",
    ),
    path(
        "prosjekter/<int:pk>/budsjett/import/",
        excel.BudgetImportView.as_view(),
        name="budget-import",
    ),
]
