from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.MunicipalityListView.as_view(), name="list"),
    # Before the detail pattern, which would take «forslag» for a number.
    path("forslag/", views.suggest, name="suggest"),
    path("<str:number>/", views.MunicipalityDetailView.as_view(), name="detail"),
]
