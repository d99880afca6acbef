"""The private calendar feed and the page where a user turns it on and off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.calendar_tokens import calendar_token_create, calendar_token_revoke
from accounts.models import User
from evaluations.calendar import calendar_for


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The feed, for calendar programs that cannot sign in: the key in the address is
    the access. An unknown or turned-off key and an inactive user get the same bare 404."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        user = User.objects.filter(calendar_token=token, is_active=True).first()
        if user is None:
            # Bare and the same every time: the page a person gets (with a form token
            # that changes per request) would tell a probing client nothing more.
            return HttpResponseNotFound(
                _("No calendar here.").encode(), content_type="text/html; charset=utf-8"
            )
        response = HttpResponse(calendar_for(user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="ilag-frister.ics"'
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class CalendarSettingsView(TemplateView):
    template_name = "evaluations/calendar_settings.html"

    def get_context_data(self, **kwargs):
        token = self.request.user.calendar_token
        feed_url = (
            self.request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token}))
            if token
            else None
        )
        return super().get_context_data(feed_url=feed_url, **kwargs)


class CalendarCreateView(View):
    def post(self, request):
        replaced = bool(request.user.calendar_token)
        calendar_token_create(user=request.user)
        if replaced:
            messages.success(
                request, _("You have a new calendar link. The old link no longer works.")
            )
        else:
            messages.success(request, _("Your calendar link is ready."))
        return redirect("evaluations:calendar-settings")


class CalendarRevokeView(View):
    def post(self, request):
        if request.user.calendar_token:
            calendar_token_revoke(user=request.user)
            messages.success(
                request, _("The calendar link is turned off. Calendars using it get no updates.")
            )
        return redirect("evaluations:calendar-settings")
