"""Forms for payout plans, payment requests, their review and payment."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Milestone
from ilag.fields import KronerField
from ilag.formats import kr
from ilag.forms import DateInput, ReviewForm, VersionedForm, inner_form_helper
from payouts.models import Tranche
from payouts.services import TrancheEntry


class TrancheForm(forms.Form):
    """One row of a payout plan."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Name"), max_length=120, required=False)
    percent = forms.DecimalField(
        label=_("Share of the grant (%)"),
        required=False,
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    amount = KronerField(label=_("or amount (NOK)"), required=False)
    is_final = forms.BooleanField(label=_("Final payment (the rest)"), required=False)
    # An empty first choice, so that a new row left as it is counts as not filled in.
    condition = forms.ChoiceField(
        label=_("Condition"), choices=[("", "—"), *Tranche.Condition.choices]
    )
    milestone_kind = forms.ChoiceField(
        label=_("Milestone report"),
        required=False,
        choices=[("", "—"), *Milestone.Kind.choices],
    )
    from_date = forms.DateField(label=_("From date"), required=False, widget=DateInput())

    def entry(self) -> TrancheEntry:
        data = self.cleaned_data
        condition = data["condition"]
        return TrancheEntry(
            label=data.get("label", "").strip(),
            percent=data.get("percent"),
            amount=data.get("amount"),
            is_final=bool(data.get("is_final")),
            condition=condition,
            milestone_kind=data.get("milestone_kind", "")
            if condition == Tranche.Condition.MILESTONE
            else "",
            from_date=data.get("from_date") if condition == Tranche.Condition.DATE else None,
            pk=data.get("id"),
        )

    @staticmethod
    def initial_for(tranche: Tranche) -> dict:
        return {
            "id": tranche.pk,
            "label": tranche.label,
            "percent": tranche.percent,
            "amount": tranche.amount,
            "is_final": tranche.is_final,
            "condition": tranche.condition,
            "milestone_kind": tranche.milestone_kind,
            "from_date": tranche.from_date,
        }


TrancheFormSet = forms.formset_factory(TrancheForm, extra=1, can_delete=True, max_num=12)


def filled_forms(formset) -> list:
    """The rows of a valid plan formset that make the plan, in order: every row of the
    plan as it was (changed or not) and the new rows filled in, less those marked
    deleted."""
    extra = set(formset.extra_forms)
    return [
        form
        for form in formset.forms
        if not (form in extra and not form.has_changed()) and not form.cleaned_data.get("DELETE")
    ]


def plan_entries(formset) -> list[TrancheEntry]:
    return [form.entry() for form in filled_forms(formset)]


class PaymentRequestForm(forms.Form):
    """A payment request: the tranche, the amount, the costs incurred so far by category
    (every category of the programme, those not eligible marked as such)."""

    tranche = forms.TypedChoiceField(label=_("Tranche"), coerce=int)
    amount = KronerField(label=_("Amount requested (NOK)"))
    comment = forms.CharField(
        label=_("Comment to the county"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, states, categories, costs: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.states = {s.tranche.pk: s for s in states}
        self.fields["tranche"].choices = [("", "—")] + [
            (s.tranche.pk, self.tranche_label(s)) for s in states
        ]
        self.categories = list(categories)
        for category in self.categories:
            label = str(category)
            if not category.eligible:
                label = _("%(category)s (not eligible)") % {"category": category}
            self.fields[f"cost_{category.pk}"] = KronerField(
                label=label, required=False, initial=costs.get(category.pk)
            )
        self.helper = inner_form_helper()

    @staticmethod
    def tranche_label(state) -> str:
        if state.is_met:
            status = _("may be requested: %(available)s of %(amount)s") % {
                "available": kr(state.available),
                "amount": kr(state.amount),
            }
        else:
            status = _("not yet: %(condition)s") % {"condition": state.condition_text.lower()}
        return f"{state.tranche.name} ({status})"

    def cost_fields(self):
        return [(c, self[f"cost_{c.pk}"]) for c in self.categories]

    def costs(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"cost_{c.pk}") for c in self.categories}

    def chosen_tranche(self):
        state = self.states.get(self.cleaned_data.get("tranche"))
        return state.tranche if state else None

    def request_data(self) -> dict:
        """What the services take from a valid form: tranche, amount, comment, costs."""
        return {
            "tranche": self.chosen_tranche(),
            "amount": self.cleaned_data["amount"],
            "comment": self.cleaned_data["comment"],
            "costs": self.costs(),
        }


class RequestSubmitForm(VersionedForm):
    confirmed = forms.BooleanField(
        label=_("I confirm that the costs are incurred and that the information is correct."),
        required=False,
    )


class RequestReviewForm(ReviewForm):
    due_date = forms.DateField(
        label=_("Due date for the payout"),
        required=False,
        widget=DateInput(),
        help_text=_("When the finance department is to pay; 14 days from today if left empty."),
    )


class MarkPaidForm(VersionedForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    voucher_number = forms.CharField(label=_("Voucher number in the ledger"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())
