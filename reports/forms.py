"""Forms for ordering PDF reports and marking a report to the committee final."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_followed_programmes, leader_municipality_ids
from agreements.models import Agreement, Programme
from ilag.forms import DateInput, ModelChoiceField
from ilag.validators import case_number_validator
from municipalities.models import Municipality
from projects.models import Project
from reports.models import ReportOrder


class MunicipalityChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.name}"


class ProjectChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        names = ", ".join(m.name for m in obj.municipalities.all())
        return f"{obj.title} ({obj.agreement.programme} · {names})"


def orderable_programmes(user):
    """The programmes an adviser follows (all for a superuser); a leader's own."""
    if user.is_adviser:
        return in_followed_programmes(Programme.objects.all(), user, "pk")
    return Programme.objects.visible_to(user)


def orderable_projects(user):
    """Published projects: an adviser's programmes', a leader's own municipalities'."""
    projects = Project.objects.exclude(status__in=Project.PROPOSAL_STATES).exclude(
        agreement__status=Agreement.Status.DRAFT
    )
    if user.is_adviser:
        projects = projects.filter(agreement__programme__in=orderable_programmes(user))
    else:
        projects = projects.filter(
            pk__in=Project.objects.filter(municipalities__in=leader_municipality_ids(user)).values(
                "pk"
            )
        )
    return (
        projects.select_related("agreement__programme")
        .prefetch_related("municipalities")
        .order_by("agreement__programme__name", "title", "pk")
    )


class ReportOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), widget=forms.RadioSelect)
    programme = ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("For a municipality report and a report to the committee."),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        to_field_name="number",
        required=False,
        help_text=_("For a municipality report: the municipality number and name."),
    )
    project = ProjectChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("For a project report."),
    )
    meeting_organ = forms.CharField(
        label=_("Committee"),
        max_length=200,
        required=False,
        help_text=_(
            "Optional, for a report to the committee, e.g. «Hovedutvalg for næring og industri»."
        ),
    )
    meeting_date = forms.DateField(
        label=_("Meeting date"), required=False, widget=DateInput(), help_text=_("Optional.")
    )
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        required=False,
        validators=[case_number_validator],
        help_text=_("Optional, e.g. 2023/12345."),
    )

    assessment = forms.CharField(
        label=_("Adviser's assessment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For a report to the committee: the county's assessment of how the programme "
            "is going, printed on the report's first page. Needed to mark the report final."
        ),
    )
    proposed_decision = forms.CharField(
        label=_("Proposed decision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, e.g. «The committee takes the report into account.»"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_adviser:
            self.fields["kind"].choices = [
                (value, label)
                for value, label in ReportOrder.Kind.choices
                if value != ReportOrder.Kind.PAYMENT_ORDER
            ]
            programmes = orderable_programmes(user)
            self.fields["programme"].queryset = programmes
            self.fields["municipality"].queryset = (
                Municipality.objects.filter(
                    Q(agreements__programme__in=programmes)
                    | Q(projects__agreement__programme__in=programmes)
                )
                .distinct()
                .order_by("number")
            )
        else:
            # A project leader orders status reports on his own projects only.
            self.fields["kind"].choices = [
                (ReportOrder.Kind.PROJECT, ReportOrder.Kind.PROJECT.label)
            ]
            self.fields["kind"].initial = ReportOrder.Kind.PROJECT
            for name in (
                "programme",
                "municipality",
                "meeting_organ",
                "meeting_date",
                "assessment",
                "proposed_decision",
            ):
                del self.fields[name]
            del self.fields["case_number"]
            self.fields["project"].required = True
        self.fields["project"].queryset = orderable_projects(user)

    @property
    def is_leader_form(self) -> bool:
        return "programme" not in self.fields

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        project = data.get("project")
        programme = data.get("programme")
        municipality = data.get("municipality")
        errors = {}
        if kind == ReportOrder.Kind.PROJECT:
            if project is None:
                if "project" not in self.errors:
                    errors["project"] = _("Choose the project the report is about.")
            elif programme is not None and project.agreement.programme_id != programme.pk:
                errors["project"] = _("The project belongs to %(programme)s, not %(chosen)s.") % {
                    "programme": project.agreement.programme,
                    "chosen": programme,
                }
            else:
                data["programme"] = project.agreement.programme
        elif kind in (ReportOrder.Kind.MUNICIPALITY, ReportOrder.Kind.PROGRAMME):
            if programme is None and "programme" not in self.errors:
                errors["programme"] = _("Choose the programme the report is about.")
            if kind == ReportOrder.Kind.MUNICIPALITY:
                if municipality is None:
                    if "municipality" not in self.errors:
                        errors["municipality"] = _("Choose the municipality the report is about.")
                elif programme is not None and not takes_part(municipality, programme):
                    errors["municipality"] = _(
                        "%(municipality)s takes no part in %(programme)s."
                    ) % {"municipality": municipality, "programme": programme}
        if kind != ReportOrder.Kind.PROGRAMME and any(
            data.get(name) for name in ("meeting_organ", "meeting_date", "case_number")
        ):
            errors["meeting_organ"] = _(
                "A committee, meeting date and case number belong to a report to the committee "
                "only."
            )
        if kind != ReportOrder.Kind.PROGRAMME and any(
            (data.get(name) or "").strip() for name in ("assessment", "proposed_decision")
        ):
            errors["assessment"] = _(
                "An adviser's assessment belongs to a report to the committee only."
            )
        if errors:
            raise ValidationError(errors)
        return data

    def order_kwargs(self) -> dict:
        """The arguments for report_order_create."""
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "kind": kind,
            "programme": data["programme"],
            "municipality": data.get("municipality")
            if kind == ReportOrder.Kind.MUNICIPALITY
            else None,
            "project": data.get("project") if kind == ReportOrder.Kind.PROJECT else None,
            "meeting_date": data.get("meeting_date"),
            "meeting_organ": data.get("meeting_organ", ""),
            "case_number": data.get("case_number", ""),
            "assessment": data.get("assessment", ""),
            "proposed_decision": data.get("proposed_decision", ""),
        }


def takes_part(municipality, programme) -> bool:
    return (
        Agreement.objects.filter(programme=programme, municipalities=municipality).exists()
        or Project.objects.filter(
            agreement__programme=programme, municipalities=municipality
        ).exists()
    )


class ReportOrderFinalForm(forms.Form):
    """What a final report still lacks of its meeting, and the adviser's confirmation."""

    meeting_organ = forms.CharField(
        label=_("Committee"),
        max_length=200,
        help_text=_("E.g. «Hovedutvalg for næring og industri»."),
    )
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        required=False,
        validators=[case_number_validator],
        help_text=_("Optional, e.g. 2023/12345."),
    )
    confirm = forms.BooleanField(
        label=_(
            "This is the report the committee receives. I understand that it can never be "
            "changed or deleted afterwards."
        ),
        error_messages={"required": _("Confirm that this is the report the committee receives.")},
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        # What the order already has is kept; only what is missing can be given here.
        if order.meeting_organ:
            del self.fields["meeting_organ"]
        if order.meeting_date:
            del self.fields["meeting_date"]
        if order.case_number:
            del self.fields["case_number"]
