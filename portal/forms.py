"""Forms of the portal's own pages: the adviser's user management picks programmes and
municipalities, so it sits above them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from agreements.models import Programme
from ilag.forms import ModelMultipleChoiceField, inner_form_helper
from municipalities.models import Municipality


class RoleForm(forms.Form):
    """Name, address, role and what the role covers: shared by invitation and edit."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    municipalities = ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For project leaders: the municipalities whose projects they keep."),
    )
    programmes = ModelMultipleChoiceField(
        label=_("Followed programmes"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For county advisers: the programmes they follow."),
    )

    def __init__(self, *args, manager: User, instance: User | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.visible_to(manager)
        self.fields["programmes"].queryset = programmes
        # Leaders can be linked to the municipalities taking part in the manager's programmes.
        self.fields["municipalities"].queryset = (
            Municipality.objects.filter(agreements__programme__in=programmes)
            .distinct()
            .order_by("name")
        )
        self.helper = inner_form_helper()

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another user already has this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.PROJECT_LEADER and not cleaned.get("municipalities"):
            self.add_error(
                "municipalities", _("Choose at least one municipality for a project leader.")
            )
        if role == Role.ADVISER and not cleaned.get("programmes"):
            self.add_error("programmes", _("Choose at least one programme for a county adviser."))
        return cleaned


class ArchiveReferenceForm(forms.Form):
    """The archive's reference for a record archived outside the portal."""

    # Checked by the service (archive_record_mark_by_hand), which words the messages.
    reference = forms.CharField(
        label=_("The archive's reference"),
        required=False,
        help_text=_(
            "The case and record number the records office gave it (e.g. 2026/123-4), or "
            "another reference that finds it in the archive."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()
