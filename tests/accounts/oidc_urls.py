"""The project's URLs with single sign-on switched on (it is off by default)."""

from django.urls import include, path

from portal.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("oidc/", include("accounts.urls_oidc")), *project_urlpatterns]
