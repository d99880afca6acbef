from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, UpdateView

from accounts import services
from accounts.forms import InvitationPasswordForm, ProfileForm, RoleForm
from accounts.models import Role, User
from accounts.permissions import can_edit_user, can_manage_users
from agreements.models import Programme


class UserManagerMixin(UserPassesTestMixin):
    """County advisers only; everyone else gets 403 (and the refusal is logged)."""

    raise_exception = True

    def test_func(self):
        return can_manage_users(self.request.user)


class ManagedUserMixin(UserManagerMixin):
    """A user the adviser may change: not himself, not a superuser."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.target = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_func(self):
        return can_edit_user(self.request.user, self.target)


class UserListView(UserManagerMixin, ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "users"
    paginate_by = 50
    page_kwarg = "side"

    def get_queryset(self):
        return User.objects.prefetch_related(
            "groups",
            "municipalities",
            Prefetch("programmes", queryset=Programme.objects.only("short_name", "name")),
        ).order_by("-is_active", "last_name", "first_name", "username")


class UserInviteView(UserManagerMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = RoleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": self.request.user}

    def get_initial(self):
        return {"role": Role.PROJECT_LEADER}

    def form_valid(self, form):
        data = form.cleaned_data
        user = services.user_invite(
            invited_by=self.request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            municipalities=data["municipalities"],
            programmes=data["programmes"],
            base_url=self.request.build_absolute_uri("/"),
        )
        messages.success(
            self.request,
            _("The invitation has been sent to %(email)s.") % {"email": user.email},
        )
        return redirect("accounts:user-list")


class UserUpdateView(ManagedUserMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = RoleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": self.request.user, "instance": self.target}

    def get_initial(self):
        user = self.target
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "municipalities": user.municipalities.all(),
            "programmes": user.programmes.all(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        services.user_update(
            user=self.target,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            municipalities=data["municipalities"],
            programmes=data["programmes"],
        )
        messages.success(
            self.request, _("The changes to %(name)s are saved.") % {"name": self.target}
        )
        return redirect("accounts:user-list")


class UserDeactivateView(ManagedUserMixin, View):
    def post(self, request, pk):
        services.user_deactivate(user=self.target)
        messages.success(
            request,
            _("%(name)s is deactivated and has been signed out everywhere.")
            % {"name": self.target},
        )
        return redirect("accounts:user-list")


class UserActivateView(ManagedUserMixin, View):
    def post(self, request, pk):
        services.user_activate(user=self.target)
        messages.success(request, _("%(name)s can sign in again.") % {"name": self.target})
        return redirect("accounts:user-list")


class InvitationResendView(ManagedUserMixin, View):
    def post(self, request, pk):
        if not self.target.is_invited:
            messages.error(
                request, _("%(name)s has already accepted the invitation.") % {"name": self.target}
            )
        else:
            services.invitation_resend(
                user=self.target, invited_by=request.user, base_url=request.build_absolute_uri("/")
            )
            messages.success(
                request,
                _("A new invitation has been sent to %(email)s.") % {"email": self.target.email},
            )
        return redirect("accounts:user-list")


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


class ProfileView(UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your details are saved."))
        return super().form_valid(form)


class SessionExtendView(View):
    """Extends the idle timeout: any request does, this one does nothing else."""

    def post(self, request):
        request.session["extended_at"] = timezone.now().isoformat()
        return JsonResponse({"seconds_left": settings.SESSION_COOKIE_AGE})
