from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("forslag/", views.suggest, name="suggest"),
    path("<str:number>/rediger/", views.MunicipalityPaymentUpdateView.as_view(), name="update"),
]
