from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.MunicipalityListView.as_view(), name="list"),
    path("<str:number>/", views.MunicipalityDetailView.as_view(), name="detail"),
]
