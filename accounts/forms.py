import datetime
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import SYSTEM_ROLES, Role, User
from accounts.notices import DECIDED, REMINDER, SUBMITTED, kinds_for
from ilag.forms import DateInput, inner_form_helper

EVENT_LABELS = {
    SUBMITTED: _("%(what)s submitted for your approval"),
    DECIDED: _("%(what)s approved or returned (your own and your municipality's)"),
    REMINDER: "%(what)s",
}


class ProfileForm(forms.ModelForm):
    notices = forms.MultipleChoiceField(
        label=_("E-mail notices"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Untick what you do not want by e-mail. Deadline reminders for milestones you are "
            "responsible for are sent regardless."
        ),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        # Each language named in itself, as in the login page's switch; left out of a
        # form sent without it, the language stays as it is.
        self.fields["language"].required = False
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]
        kinds = kinds_for(self.instance)
        if kinds:
            self.fields["notices"].choices = [
                (kind, EVENT_LABELS[event] % {"what": what}) for kind, what, event in kinds
            ]
            muted = set(self.instance.muted_notices or [])
            self.initial["notices"] = [kind for kind, _what, _event in kinds if kind not in muted]
        else:
            del self.fields["notices"]
        self.helper = inner_form_helper()

    def save(self, commit=True):
        user = super().save(commit=False)
        if "notices" in self.fields:
            offered = {kind for kind, _label in self.fields["notices"].choices}
            wanted = set(self.cleaned_data["notices"])
            kept = [k for k in (user.muted_notices or []) if k not in offered]
            user.muted_notices = sorted(kept + [k for k in offered if k not in wanted])
        if commit:
            user.save()
        return user

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another user already has this e-mail address."))
        return email


class InvitationPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()


class SystemUserForm(forms.Form):
    """An outside system reading the API: its name and what it may read."""

    name = forms.CharField(
        label=_("Name of the system"),
        max_length=150,
        help_text=_("As the county knows it, e.g. «Styringsdata (Power BI)»."),
    )
    role = forms.ChoiceField(
        label=_("Reads as"),
        choices=[(role.value, role.label) for role in SYSTEM_ROLES],
        widget=forms.RadioSelect,
        initial=Role.COMMITTEE_READER,
        help_text=_(
            "What a user of this role sees in the portal, never drafts: as a committee reader, "
            "every programme; as a partner, only the programmes shared with partners."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()


class ApiTokenForm(forms.Form):
    # One key per form shown: a reload of the answer sends the same value again.
    once = forms.CharField(widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(
        label=_("Purpose"),
        max_length=100,
        help_text=_("What the key is for, e.g. the system and environment using it."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        help_text=_("The key works through this day. At most a year ahead."),
        widget=DateInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["once"].initial = secrets.token_hex(16)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(
            days=settings.API_TOKEN_MAX_DAYS
        )
        self.helper = inner_form_helper()

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on < today:
            raise forms.ValidationError(_("The day has passed. Choose today or a later day."))
        latest = today + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS)
        if expires_on > latest:
            raise forms.ValidationError(
                _("A key is valid for at most a year: choose %(latest)s or earlier.")
                % {"latest": date_format(latest, "SHORT_DATE_FORMAT")}
            )
        return expires_on
