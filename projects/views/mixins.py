from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from projects.forms import ReviewForm
from projects.models import Project


class VisibleProjectMixin:
    """The project from the URL, looked up among those the user may see (404 otherwise),
    then checked with `permission` (403 when seen but not allowed)."""

    permission = None
    project_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            Project.objects.visible_to(request.user).select_related("agreement__programme__owner"),
            pk=kwargs[self.project_kwarg],
        )
        if self.permission is not None and not self.permission(request.user, self.project):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)


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
