from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("program/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("program/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("avtaler/", views.AgreementListView.as_view(), name="list"),
    path("avtaler/<int:pk>/", views.AgreementDetailView.as_view(), name="detail"),
    path(
        "avtaler/<int:pk>/signert-avtale/",
        views.SignedDocumentView.as_view(),
        name="signed-document",
    ),
]
