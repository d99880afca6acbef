from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

# The user-management pages are the portal's (portal/views/users.py); the namespace
# «accounts» is put together in portal/urls.py.
app_name = "accounts"

urlpatterns = [
    path("invitasjon/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("konto/", views.ProfileView.as_view(), name="profile"),
    path(
        "konto/passord/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password-change-done")
        ),
        name="password-change",
    ),
    path(
        "konto/passord/endret/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("konto/okt/forleng/", views.SessionExtendView.as_view(), name="session-extend"),
    path(
        "glemt-passord/",
        views.LimitedPasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password-reset-done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password-reset",
    ),
    path(
        "glemt-passord/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "glemt-passord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password-reset-complete")
        ),
        name="password-reset-confirm",
    ),
    path(
        "glemt-passord/fullfort/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
