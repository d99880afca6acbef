"""The form for attaching a document."""

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from ilag.forms import inner_form_helper
from ilag.uploads import UploadFormMixin, document_file_input, document_help_text, validate_upload


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
        self.helper = inner_form_helper()

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_upload(uploaded)
        return uploaded
