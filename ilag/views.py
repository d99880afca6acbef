"""Views and view helpers that know no domain app: health, language, and the pieces
the apps' form pages share (service errors on the form, edit conflicts, object lookup
scoped to what the user may see, the adviser's review POST)."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from ilag.cache import cache_get, cache_set, digest, page_key
from ilag.forms import ReviewForm
from ilag.models import WorkerHeartbeat


@login_not_required
def set_language(request):
    """Django's language switch (the cookie), open on the login page too; a signed-in
    user's choice is also kept on the profile, so it follows the user to other devices
    and to the PDF reports the user orders."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response


@login_not_required
@never_cache
@require_GET
def health(request):
    """For load balancers and compose health checks: database reachable, worker last seen."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return JsonResponse(
        {
            "database": "ok",
            "worker_last_seen": beat.last_seen.isoformat() if beat else None,
            "time": timezone.now().isoformat(),
        }
    )


# What the page frame (base.html) shows that changes between two views of the same page
# over the same data: the seconds left before an idle session ends. A page is kept with a
# placeholder for it, filled in from the request when served.
SESSION_SECONDS = re.compile(rb'data-session-seconds="\d+"')
SESSION_SECONDS_PLACEHOLDER = b'data-session-seconds="ilag:seconds"'


def per_request_frame(content: bytes, request) -> bytes:
    seconds = render_to_string("includes/_session_seconds.html", request=request)
    return content.replace(SESSION_SECONDS_PLACEHOLDER, seconds.encode(), 1)


class ReadOnlyPageMixin:
    """A page that only reads: GET and HEAD, served outside the transaction that
    ATOMIC_REQUESTS opens for every other view. A transaction around reads at READ
    COMMITTED gives each query its own snapshot all the same, so it bought nothing but
    two round trips (BEGIN and COMMIT) on every view of the portal's most used pages.

    Its rendered HTML is kept in the cache per data version (ilag.cache, as the
    dashboard's): any change of the data is seen on the next request. The key holds the
    user (what the page shows depends on the user's access), the URL with its query
    (filters, sorting, pages), the day and the language, and the user's CSRF secret (the
    page's forms carry tokens made from it). A request with messages waiting (shown by the
    page after a save) is computed and not kept. `page_cache = False` turns it off for a
    view; PAGE_CACHE_SECONDS = 0 for all."""

    http_method_names = ["get", "head", "options"]
    page_cache = True

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        key = self.page_cache_key(request) if request.method == "GET" else None
        if key is not None:
            content = cache_get(key)
            if content is not None:
                return HttpResponse(per_request_frame(content, request))
        response = super().dispatch(request, *args, **kwargs)
        if (
            key is not None
            and response.status_code == 200
            and isinstance(response, SimpleTemplateResponse)
        ):

            def keep(rendered):
                content = SESSION_SECONDS.sub(SESSION_SECONDS_PLACEHOLDER, rendered.content, 1)
                cache_set(key, content, settings.PAGE_CACHE_SECONDS)

            response.add_post_render_callback(keep)
        return response

    def page_cache_key(self, request) -> str | None:
        if not self.page_cache or not request.user.is_authenticated:
            return None
        # Counted without marking them read: the page computed now shows them.
        if len(messages.get_messages(request)):
            return None
        # As a page with a form does: the secret (and its cookie when it is new).
        get_token(request)
        return page_key(
            "ilag:page",
            type(self).__qualname__,
            str(request.user.pk),
            digest(request.META["CSRF_COOKIE"]),
            digest(request.get_full_path()),
            *self.page_cache_parts(),
            seconds=settings.PAGE_CACHE_SECONDS,
        )

    def page_cache_parts(self) -> list[str]:
        """What else a view's page shows that the data version does not follow."""
        return []


# Helpers for the apps' form pages -------------------------------------------------


class VisibleObjectMixin:
    """The object from the URL among those of `model` the user may see (404 otherwise),
    then checked with `permission(user, obj)` (403 when seen but not allowed). The object
    is `self.parent`; the context gets it and its breadcrumbs."""

    model = None
    permission = None

    def get_parent_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        self.parent = get_object_or_404(self.get_parent_queryset(), pk=kwargs["pk"])
        if self.permission is not None and not self.permission(request.user, self.parent):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            parent=self.parent, breadcrumbs=self.parent.breadcrumbs(), **kwargs
        )


def conflict_message(conflict, what) -> str:
    """«Someone changed this while you edited», naming who and when."""
    who = str(conflict.changed_by) if conflict.changed_by else _("someone else")
    when = (
        date_format(localtime(conflict.changed_at), "SHORT_DATETIME_FORMAT")
        if conflict.changed_at
        else "?"
    )
    return _(
        "%(what)s was changed by %(who)s at %(when)s after you opened this form. Your changes "
        "are NOT saved, but they are still in the form below. Check what was changed (open "
        "the page in a new tab), then save again."
    ) % {"what": what, "who": who, "when": when}


def add_service_errors(form, error: ValidationError, *, sections=None) -> dict:
    """Put a service's ValidationError on the form's fields; keys that are not fields go
    to `sections` (returned) or, failing that, to the form's non-field errors."""
    sections = {} if sections is None else sections
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            if field in form.fields:
                for message in messages:
                    form.add_error(field, message)
            else:
                sections.setdefault(field, []).extend(messages)
    else:
        for message in error.messages:
            form.add_error(None, message)
    return sections


class ReviewPostMixin:
    """POST of an adviser's review of `self.report`: approve, or return with a comment.
    The view names `review` (the service, as a staticmethod: report=, user=, approve=,
    comment=) and the two success messages (lazy translations); a refusal from the
    service is shown as it is."""

    review = None
    approved_message = returned_message = ""

    def post(self, request, pk):
        form = ReviewForm(request.POST)
        form.is_valid()
        approve = request.POST.get("action") == "approve"
        try:
            self.review(
                report=self.report,
                user=request.user,
                approve=approve,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.approved_message if approve else self.returned_message)
        return redirect(self.report.get_absolute_url())


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: a bokmål page in the portal's layout
    (CSRF_FAILURE_VIEW), instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)
