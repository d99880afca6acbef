"""Setting up a programme in the portal (create, change, copy) and its agreements (make a
draft, change it, register it as signed). A programme's set-up holds its milestone
templates and signing an agreement makes its milestones (evaluations), so the pages are
the portal's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from agreements.forms import (
    AgreementAmendForm,
    AgreementForm,
    AgreementSignForm,
    AgreementTerminateForm,
    ProgrammeCopyForm,
    ProgrammeForm,
    cost_category_formset,
    focus_area_formset,
)
from agreements.models import Agreement, Programme
from agreements.permissions import (
    can_amend_agreement,
    can_change_agreement_terms,
    can_create_agreement,
    can_create_programme,
    can_edit_programme,
)
from agreements.services import agreement_amend, agreement_terminate
from evaluations.forms import milestone_template_formset
from evaluations.services import (
    agreement_sign,
    milestones_after_end,
    programme_copy,
    programme_setup_save,
)
from ilag.views import add_service_errors
from payouts.services import plan_copy


class ProgrammeSetupView(FormView):
    """The programme form with its focus areas, cost categories and milestone
    templates; nothing is stored unless every part is valid."""

    form_class = ProgrammeForm
    template_name = "agreements/programme_form.html"
    programme = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme}

    def formsets(self, form):
        data = self.request.POST if self.request.method == "POST" else None
        instance = self.programme or Programme()
        dates = {}
        if data is not None:
            form.is_valid()  # the template rows check their dates against the period
            dates = {
                "start": form.cleaned_data.get("start_date"),
                "end": form.cleaned_data.get("end_date"),
            }
        return {
            "focus_areas": focus_area_formset(data, instance=instance),
            "cost_categories": cost_category_formset(data, instance=instance),
            "templates": milestone_template_formset(data, instance=instance, **dates),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formsets", self.formsets(context["form"]))
        return {**context, "programme": self.programme}

    def form_valid(self, form):
        formsets = self.formsets(form)
        if not all(f.is_valid() for f in formsets.values()):
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets))
        programme = programme_setup_save(form=form, user=self.request.user, **formsets)
        messages.success(
            self.request, _("The programme «%(name)s» is saved.") % {"name": programme}
        )
        return redirect(programme.get_absolute_url())

    def form_invalid(self, form):
        # The formsets are bound too, so the page shows every error and keeps all input.
        return self.render_to_response(
            self.get_context_data(form=form, formsets=self.formsets(form))
        )


class ProgrammeCreateView(ProgrammeSetupView):
    def dispatch(self, request, *args, **kwargs):
        if not can_create_programme(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class VisibleProgrammeMixin:
    """The programme from the URL among those the user may see (404), which the user
    must be allowed to set up (403)."""

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(
            Programme.objects.visible_to(request.user), slug=kwargs["slug"]
        )
        if not can_edit_programme(request.user, self.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ProgrammeUpdateView(VisibleProgrammeMixin, ProgrammeSetupView):
    pass


class ProgrammeCopyView(VisibleProgrammeMixin, FormView):
    """«Kopier program»: a new programme from this one's rules and set-up."""

    form_class = ProgrammeCopyForm
    template_name = "agreements/programme_copy.html"

    def get_initial(self):
        return {"name": _("Copy of %(name)s") % {"name": self.programme.name}}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        copy = programme_copy(
            source=self.programme,
            name=data["name"],
            short_name=data["short_name"],
            slug=data["slug"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            user=self.request.user,
        )
        plan_copy(source=self.programme, target=copy, user=self.request.user)
        messages.success(
            self.request,
            _(
                "The programme «%(name)s» is made from «%(source)s». Check its caps, "
                "milestones and political decision."
            )
            % {"name": copy, "source": self.programme},
        )
        return redirect("agreements:programme-update", slug=copy.slug)


# Agreements ---------------------------------------------------------------------------


def end_holds_the_milestones(form) -> bool:
    """The programme's template milestones fall within the agreement's period; if not,
    the end date says which (nothing is saved)."""
    late = milestones_after_end(form.instance)
    for message in late:
        form.add_error("end_date", message)
    return not late


class AgreementCreateView(FormView):
    """A new cooperation agreement of the programme, as a draft."""

    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(
            Programme.objects.visible_to(request.user), slug=kwargs["slug"]
        )
        if not can_create_agreement(request.user, self.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.programme}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        if not end_holds_the_milestones(form):
            return self.form_invalid(form)
        agreement = form.save()
        plan_copy(source=self.programme, target=agreement, user=self.request.user)
        messages.success(
            self.request,
            _("The agreement «%(title)s» is saved as a draft. Register it as signed when it is.")
            % {"title": agreement.title},
        )
        return redirect(agreement.get_absolute_url())


class DraftAgreementMixin:
    """The agreement from the URL among those the user may see (404), whose terms the
    user may change: a draft of a programme the adviser follows (403)."""

    def dispatch(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(
            Agreement.objects.visible_to(request.user).select_related("programme"),
            pk=kwargs["pk"],
        )
        if not can_change_agreement_terms(request.user, self.agreement):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement, programme=self.agreement.programme, **kwargs
        )


class AgreementUpdateView(DraftAgreementMixin, FormView):
    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.agreement,
            "programme": self.agreement.programme,
        }

    def form_valid(self, form):
        if not end_holds_the_milestones(form):
            return self.form_invalid(form)
        agreement = form.save()
        messages.success(self.request, _("The changes are saved."))
        return redirect(agreement.get_absolute_url())


class AgreementSignView(DraftAgreementMixin, FormView):
    """Register the agreement as signed, with the signed document: it gets the
    programme's standard milestones."""

    form_class = AgreementSignForm
    template_name = "agreements/agreement_sign.html"

    def get_context_data(self, **kwargs):
        templates = self.agreement.programme.milestone_templates.all()
        return super().get_context_data(
            milestones=sorted(
                ((t, t.due_date_for(self.agreement)) for t in templates), key=lambda m: m[1]
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            agreement = agreement_sign(
                agreement=self.agreement,
                signed_date=form.cleaned_data["signed_date"],
                document=form.cleaned_data["document"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The agreement is signed and has got its milestones."),
        )
        return redirect(agreement.get_absolute_url())


class SignedAgreementMixin:
    """The agreement from the URL among those the user may see (404), signed or active
    and of a programme the adviser follows (403)."""

    def dispatch(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(
            Agreement.objects.visible_to(request.user).select_related("programme"),
            pk=kwargs["pk"],
        )
        if not can_amend_agreement(request.user, self.agreement):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement, programme=self.agreement.programme, **kwargs
        )


class AgreementAmendView(SignedAgreementMixin, FormView):
    """Record an addendum (tilleggsavtale): a new frame or end date."""

    form_class = AgreementAmendForm
    template_name = "agreements/agreement_amend.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.agreement}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            agreement_amend(
                agreement=self.agreement,
                signed_on=data["signed_on"],
                reason=data["reason"],
                new_county_frame=data["new_county_frame"],
                new_end_date=data["new_end_date"],
                document=data["document"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The addendum is registered."))
        return redirect(self.agreement.get_absolute_url())


class AgreementTerminateView(SignedAgreementMixin, FormView):
    """End a signed agreement before its time, with the reason."""

    form_class = AgreementTerminateForm
    template_name = "agreements/agreement_terminate.html"

    def form_valid(self, form):
        try:
            agreement_terminate(
                agreement=self.agreement,
                terminated_on=form.cleaned_data["terminated_on"],
                reason=form.cleaned_data["reason"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The agreement is terminated."))
        return redirect(self.agreement.get_absolute_url())
