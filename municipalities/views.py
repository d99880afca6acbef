"""Search-as-you-type for the municipality filters. The municipality pages, which show
agreements, projects and milestones, are the portal's (portal/views/municipalities.py)."""

from django.db.models import Case, IntegerField, Value, When
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from municipalities.models import Municipality

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
    if text.isdigit():
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
