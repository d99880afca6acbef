"""Documents attached to projects, agreements and status reports: upload, download, delete.

Files live outside the web root; these views are the only way to them. Every lookup is
scoped to what the user may see (404 otherwise); a change then needs its permission (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from documents.forms import DocumentForm
from documents.models import Document
from documents.permissions import can_attach_document, can_delete_document
from documents.services import document_attach, document_delete
from ilag.files import private_download
from ilag.paging import Section
from ilag.views import VisibleObjectMixin

# The documents on a page that lists them (`documents/_documents.html`: a project, an
# agreement, a status report, a milestone report, a payment request), newest
# first: 25 a page («?dokumenter=2»), more than most have.
DOCUMENT_PAGES = Section("dokumenter", per_page=25)


class DocumentUploadView(VisibleObjectMixin, FormView):
    """Attach a document to a project, an agreement or a status report (`model`)."""

    permission = staticmethod(can_attach_document)
    form_class = DocumentForm
    template_name = "documents/document_form.html"

    related = ()  # what the page and the permission read of the parent, in one query

    def get_parent_queryset(self):
        return super().get_parent_queryset().select_related(*self.related)

    def form_valid(self, form):
        try:
            document = document_attach(
                parent=self.parent,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The document «%(title)s» is uploaded.") % {"title": document.title},
        )
        return redirect(self.parent.get_absolute_url())


class DocumentDownloadView(SingleObjectMixin, View):
    """The stored file, as an attachment under the name it was uploaded with."""

    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return private_download(
            handle, filename=document.original_name, content_type=document.content_type
        )


class DocumentDeleteView(SingleObjectMixin, TemplateView):
    """Asks first (GET), then deletes (POST): the file cannot be restored, though the
    history keeps who deleted which document when."""

    template_name = "documents/document_confirm_delete.html"

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).select_related(
            "project", "agreement", "progress_report", "uploaded_by"
        )

    def dispatch(self, request, *args, **kwargs):
        # Signed in: LoginRequiredMiddleware sends everyone else to the login page.
        self.object = self.get_object()
        if not can_delete_document(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        parent = self.object.parent
        return super().get_context_data(
            document=self.object, parent=parent, breadcrumbs=parent.breadcrumbs(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        document = self.object
        parent, title = document.parent, document.title
        document_delete(document=document, user=request.user)
        messages.success(request, _("The document «%(title)s» is deleted.") % {"title": title})
        return redirect(parent.get_absolute_url())
