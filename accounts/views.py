from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import UpdateView

from accounts import services
from accounts.forms import InvitationPasswordForm, ProfileForm
from accounts.models import User
from accounts.ratelimits import password_reset_limited


@method_decorator([login_not_required, never_cache], name="dispatch")
class InvitationView(View):
    """The invited user chooses a password; the link works once and expires."""

    template_name = "accounts/invitation.html"

    def dispatch(self, request, uidb64, token):
        try:
            pk = force_str(urlsafe_base64_decode(uidb64))
            self.invited = User.objects.get(pk=pk, is_active=True)
        except (ValueError, TypeError, OverflowError, User.DoesNotExist):
            self.invited = None
        if self.invited is None:
            return self.refuse(
                _("This invitation link is not valid. Ask your county adviser for a new one.")
            )
        if self.invited.has_usable_password():
            return self.refuse(
                _(
                    "This invitation has already been used. Log in with your user name and password, "
                    "or use «Forgotten password»."
                ),
                used=True,
            )
        if not services.invitation_tokens.check_token(self.invited, token):
            return self.refuse(
                _("This invitation link has expired. Ask your county adviser to send a new one.")
            )
        return super().dispatch(request, uidb64, token)

    def refuse(self, message, used=False):
        return render(
            self.request,
            "accounts/invitation_invalid.html",
            {"message": message, "used": used},
            status=410 if used else 400,
        )

    def get(self, request, uidb64, token):
        return render(
            request,
            self.template_name,
            {"form": InvitationPasswordForm(self.invited), "invited": self.invited},
        )

    def post(self, request, uidb64, token):
        form = InvitationPasswordForm(self.invited, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "invited": self.invited})
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set and you are logged in."))
        return redirect("home")


class LimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, sent at most so often per address and per client
    (accounts/ratelimits.py); over a limit nothing is sent and the form says so."""

    def form_valid(self, form):
        if password_reset_limited(self.request, form.cleaned_data["email"]):
            form.add_error(
                "email",
                _(
                    "A new password has been asked for too often, for this address or from "
                    "this computer. Nothing was sent; try again in an hour, or ask your "
                    "county adviser."
                ),
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class ProfileView(UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        # Said in the language just chosen, which the next page is in.
        with translation.override(form.instance.language):
            messages.success(self.request, _("Your details are saved."))
        return response


class SessionExtendView(View):
    """Extends the idle timeout: any request does, this one does nothing else."""

    def post(self, request):
        request.session["extended_at"] = timezone.now().isoformat()
        return JsonResponse({"seconds_left": settings.SESSION_COOKIE_AGE})
