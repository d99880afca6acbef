from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("forslag/", views.suggest, name="suggest"),
]
