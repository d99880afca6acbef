"""Search-as-you-type for the municipality filters, and the adviser's form for the
numbers payouts need. The municipality pages, which show agreements, projects and
milestones, are the portal's (portal/views/municipalities.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import UpdateView

from ilag.validators import only_digits
from municipalities.forms import MunicipalityPaymentForm
from municipalities.models import Municipality
from municipalities.permissions import can_edit_municipality

SUGGESTIONS = 15


@require_GET
def suggest(request):
    """Search-as-you-type for the municipality filters: at most SUGGESTIONS municipalities
    whose number starts with the text, or whose name contains it (those starting with it
    first), as {"results": [{"value": name, "label": "name (number)"}]}."""
    text = request.GET.get("q", "").strip()[:50]
    if not text:
        return JsonResponse({"results": []})
    municipalities = Municipality.objects.visible_to(request.user)
    if only_digits(text):
        municipalities = municipalities.filter(number__startswith=text).order_by("number")
    else:
        municipalities = (
            municipalities.filter(name__icontains=text)
            .annotate(
                later=Case(
                    When(name__istartswith=text, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("later", "name")
        )
    return JsonResponse(
        {
            "results": [
                {"value": m.name, "label": f"{m.name} ({m.number})"}
                for m in municipalities.only("name", "number")[:SUGGESTIONS]
            ]
        }
    )


class MunicipalityPaymentUpdateView(UpdateView):
    """An adviser keeps the municipality's organisation and account numbers."""

    model = Municipality
    form_class = MunicipalityPaymentForm
    template_name = "municipalities/municipality_form.html"
    slug_field = "number"
    slug_url_kwarg = "number"

    def dispatch(self, request, *args, **kwargs):
        if not can_edit_municipality(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Municipality.objects.visible_to(self.request.user)

    def form_valid(self, form):
        with transaction.atomic():
            current = Municipality.objects.select_for_update().get(pk=self.object.pk)
            if form.fingerprint(current) != form.cleaned_data["opened_with"]:
                form.add_error(
                    None,
                    _(
                        "Someone changed the municipality's numbers while you had the form "
                        "open; nothing is saved. Check the numbers below and save again."
                    ),
                )
                form.data = form.data.copy()
                form.data["opened_with"] = form.fingerprint(current)
                return self.form_invalid(form)
            form.save()
        messages.success(self.request, _("The municipality's numbers are saved."))
        return redirect(self.object.get_absolute_url())
