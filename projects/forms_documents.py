"""Forms for attaching documents and importing budget sheets."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.documents import DOCUMENT_TYPES, XLSX, megabytes, validate_upload
from projects.models import Document

CHOOSE_AGAIN = _(
    "Choose the file again: a browser cannot keep a chosen file when the page is shown again."
)


def document_help_text():
    """The accepted kinds of document and the size limit, for a file field's help."""
    return _(
        "PDF, Word, Excel, OpenDocument text or spreadsheet, PNG or JPEG; at most %(limit)s MB."
    ) % {"limit": megabytes(settings.DOCUMENT_MAX_BYTES)}


def document_file_input():
    return forms.FileInput(
        attrs={"accept": ",".join(ext for t in DOCUMENT_TYPES for ext in t.extensions)}
    )


class UploadFormMixin:
    """A file chosen before an error is gone from the page (browsers do not keep it), so
    the field says so; everything else the user typed stays. `upload_field` names the
    field; an optional one says so only when a file was chosen."""

    upload_field = "file"

    def full_clean(self):
        super().full_clean()
        name = self.upload_field
        field = self.fields[name]
        chosen = field.required or self.files.get(self.add_prefix(name))
        if self.is_bound and self._errors and chosen:
            field.help_text = f"{CHOOSE_AGAIN} {field.help_text}".strip()
            # The bound field copied the help text when cleaning made it.
            self[name].help_text = field.help_text


class DocumentForm(UploadFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file"]
        labels = {"title": _("Title"), "file": _("File")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("What the document is, as others will see it.")
        self.fields["file"].help_text = document_help_text()
        self.fields["file"].widget = document_file_input()
        # The stored name is generated; the name the user gave is kept in original_name.
        self.fields["file"].max_length = Document._meta.get_field("original_name").max_length
        # An empty file gets validate_upload's message, which names the file.
        self.fields["file"].allow_empty_file = True
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_upload(uploaded)
        return uploaded


class BudgetImportForm(UploadFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Budget sheet (.xlsx)"),
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook with the sheet «%(sheet)s», such as the one you download "
            "from the project; at most %(limit)s MB."
        ) % {"sheet": _("Budget"), "limit": megabytes(settings.DOCUMENT_MAX_BYTES)}
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_upload(uploaded, types=(XLSX,))
        return uploaded
