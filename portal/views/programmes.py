"""Setting up a programme in the portal: create, change, copy. A programme's set-up
holds its focus areas and cost categories (agreements) and its milestone templates
(evaluations), so the pages are the portal's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from agreements.forms import (
    ProgrammeCopyForm,
    ProgrammeForm,
    cost_category_formset,
    focus_area_formset,
)
from agreements.models import Programme
from agreements.permissions import can_create_programme, can_edit_programme
from evaluations.forms import milestone_template_formset
from evaluations.services import programme_copy, programme_setup_save


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
        if data is not None and form.is_valid():
            dates = {"start": form.cleaned_data["start_date"], "end": form.cleaned_data["end_date"]}
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
        messages.success(
            self.request,
            _(
                "The programme «%(name)s» is made from «%(source)s». Check its caps, "
                "milestones and political decision."
            )
            % {"name": copy, "source": self.programme},
        )
        return redirect("agreements:programme-update", slug=copy.slug)
