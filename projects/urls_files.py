"""A project's budget as an Excel workbook: download and import (namespace «files»)."""

from django.urls import path

from projects.views import excel

app_name = "files"

urlpatterns = [
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
