"""User management by county advisers: invite, change roles, municipalities and followed
programmes, deactivate; system users and their API keys. Above accounts because it picks
programmes and municipalities."""

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.cache import cache
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView

from accounts import services
from accounts.forms import ApiTokenForm, SystemUserForm
from accounts.models import ApiToken, Role, User
from accounts.permissions import can_edit_user, can_manage_users
from accounts.ratelimits import invitation_limited
from agreements.models import Programme
from ilag.views import ReadOnlyPageMixin
from portal.forms import RoleForm


class UserManagerMixin(UserPassesTestMixin):
    """County advisers only; everyone else gets 403 (and the refusal is logged)."""

    raise_exception = True

    def test_func(self):
        return can_manage_users(self.request.user)


class ManagedUserMixin(UserManagerMixin):
    """A user the adviser may change: not himself, not a superuser."""

    # The users these pages are about; any other is not found.
    targets = User.objects.all()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.target = get_object_or_404(self.targets, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_func(self):
        return can_edit_user(self.request.user, self.target)


class UserListView(ReadOnlyPageMixin, UserManagerMixin, ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "users"
    paginate_by = 50
    page_kwarg = "side"

    def page_cache_parts(self) -> list[str]:
        # When an API key was last used is written without a new data version (a use is
        # not a change; accounts.api_auth): the page is kept per latest use.
        latest = ApiToken.objects.aggregate(latest=Max("last_used_at"))["latest"]
        return [latest.isoformat() if latest else ""]

    def get_queryset(self):
        return (
            User.objects.annotate(key_last_used=Max("auth_token_set__last_used_at"))
            .prefetch_related(
                "groups",
                "municipalities",
                Prefetch("programmes", queryset=Programme.objects.only("short_name", "name")),
            )
            .order_by("-is_active", "last_name", "first_name", "username")
        )


INVITATION_LIMITED = gettext_lazy(
    "Too many invitations have been sent, to this address or by you, in a short time. "
    "Nothing was sent; try again later."
)


class UserInviteView(UserManagerMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = RoleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": self.request.user}

    def get_initial(self):
        return {"role": Role.PROJECT_LEADER}

    def form_valid(self, form):
        data = form.cleaned_data
        if invitation_limited(self.request, data["email"]):
            form.add_error("email", INVITATION_LIMITED)
            return self.form_invalid(form)
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

    def get_form_class(self):
        return SystemUserForm if self.target.is_system else RoleForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.target.is_system:
            return kwargs
        return {**kwargs, "manager": self.request.user, "instance": self.target}

    def get_initial(self):
        user = self.target
        if user.is_system:
            return {"name": user.first_name, "role": user.role}
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
        if self.target.is_system:
            data = {
                **data,
                "first_name": data["name"],
                "last_name": "",
                "email": "",
                "municipalities": (),
                "programmes": (),
            }
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
        if self.target.is_system:
            text = _("The system user «%(name)s» is deactivated, and every key of it revoked.")
        else:
            text = _("%(name)s is deactivated and has been signed out everywhere.")
        messages.success(request, text % {"name": self.target})
        return redirect("accounts:user-list")


class UserActivateView(ManagedUserMixin, View):
    def post(self, request, pk):
        services.user_activate(user=self.target)
        if self.target.is_system:
            text = _(
                "The system user «%(name)s» is active again. Its old keys stay revoked: make "
                "a new one."
            )
        else:
            text = _("%(name)s can sign in again.")
        messages.success(request, text % {"name": self.target})
        return redirect("accounts:user-list")


class InvitationResendView(ManagedUserMixin, View):
    def post(self, request, pk):
        if not self.target.is_invited:
            messages.error(
                request, _("%(name)s has already accepted the invitation.") % {"name": self.target}
            )
        elif invitation_limited(request, self.target.email):
            messages.error(request, INVITATION_LIMITED)
        else:
            services.invitation_resend(
                user=self.target, invited_by=request.user, base_url=request.build_absolute_uri("/")
            )
            messages.success(
                request,
                _("A new invitation has been sent to %(email)s.") % {"email": self.target.email},
            )
        return redirect("accounts:user-list")


class SystemUserCreateView(UserManagerMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = SystemUserForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(system=True, **kwargs)

    def form_valid(self, form):
        user = services.system_user_create(
            created_by=self.request.user,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        )
        messages.success(
            self.request,
            _("The system user «%(name)s» is made. Make a key for it to read the API with.")
            % {"name": user},
        )
        return redirect("accounts:api-tokens", user.pk)


class SystemUserMixin(ManagedUserMixin):
    """A system user the adviser may change; any other user is not found here."""

    targets = User.objects.filter(is_system=True)


@method_decorator(never_cache, name="dispatch")
class ApiTokensView(SystemUserMixin, FormView):
    """A system user's keys: when made and by whom, until when, last used; make one (shown
    once, on the answer to the POST, never stored) or revoke one."""

    template_name = "accounts/api_tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs):
        tokens = ApiToken.objects.filter(user=self.target).select_related("created_by")
        # Revoked (or expired and cleared) keys, from the history: who, when.
        revoked = (
            ApiToken.history.filter(user_id=self.target.pk, history_type="-")
            .select_related("history_user")
            .order_by("-history_date")[:20]
        )
        return super().get_context_data(
            target=self.target, tokens=tokens, revoked=revoked, **kwargs
        )

    def form_valid(self, form):
        if not self.target.is_active:
            form.add_error(None, _("The system user is deactivated: activate it first."))
            return self.form_invalid(form)
        # The answer shows the key once and cannot be redirected to (the key is stored
        # nowhere): a reload sends the form again, which must not make a second key.
        if not cache.add(f"api-token-form:{form.cleaned_data['once']}", True, 24 * 3600):
            messages.warning(
                self.request,
                _(
                    "The key was already made when the form was first sent; it is shown only "
                    "that once. If it was not copied, revoke it below and make a new one."
                ),
            )
            return redirect("accounts:api-tokens", self.target.pk)
        token, key = services.api_token_create(
            user=self.target,
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
            created_by=self.request.user,
        )
        return render(
            self.request,
            "accounts/api_token_created.html",
            {
                "target": self.target,
                "token": token,
                "key": key,
                "api_url": self.request.build_absolute_uri(reverse("api:api-root")),
            },
        )


class ApiTokenRevokeView(SystemUserMixin, View):
    def post(self, request, pk):
        key_start = request.POST.get("token_key", "")[:50]
        token = ApiToken.objects.filter(user=self.target, token_key=key_start).first()
        if token is None:
            if ApiToken.history.filter(user_id=self.target.pk, token_key=key_start).exists():
                # Revoked meanwhile (another tab, another adviser): nothing left to do.
                messages.info(request, _("The key was already revoked."))
                return redirect("accounts:api-tokens", pk)
            raise Http404
        services.api_token_revoke(token=token)
        messages.success(
            request,
            _("The key «%(name)s» is revoked: nothing can read the API with it any more.")
            % {"name": token.name},
        )
        return redirect("accounts:api-tokens", pk)


# In the «accounts» namespace, beside the sign-in and profile pages (portal/urls.py).
urlpatterns = [
    path("brukere/", UserListView.as_view(), name="user-list"),
    path("brukere/inviter/", UserInviteView.as_view(), name="user-invite"),
    path("brukere/systembruker/", SystemUserCreateView.as_view(), name="system-user-create"),
    path("brukere/<int:pk>/", UserUpdateView.as_view(), name="user-update"),
    path("brukere/<int:pk>/nokler/", ApiTokensView.as_view(), name="api-tokens"),
    path(
        "brukere/<int:pk>/nokler/trekk-tilbake/",
        ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
    path("brukere/<int:pk>/deaktiver/", UserDeactivateView.as_view(), name="user-deactivate"),
    path("brukere/<int:pk>/aktiver/", UserActivateView.as_view(), name="user-activate"),
    path(
        "brukere/<int:pk>/send-invitasjon/",
        InvitationResendView.as_view(),
        name="invitation-resend",
    ),
]
