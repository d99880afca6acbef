from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ilag import views

admin.site.site_header = _("I LAG portal – administration")
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("helse/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("agreements.urls")),
    path("kommuner/", include("municipalities.urls")),
    path("prosjekter/", include("projects.urls")),
    path("filer/", include("projects.urls_files")),
    path("milepeler/", include("evaluations.urls")),
    path("kalender/", include("evaluations.urls_calendar")),
    path("", include("accounts.urls")),
    path("api/v1/", include("ilag.api")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("accounts.urls_oidc")))
