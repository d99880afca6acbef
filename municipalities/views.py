from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from agreements.models import Agreement
from evaluations.models import Milestone
from municipalities.models import Municipality
from projects.models import Project


class MunicipalityListView(ListView):
    model = Municipality
    template_name = "municipalities/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50
    page_kwarg = "side"

    def get_queryset(self):
        user = self.request.user
        visible_projects = Project.objects.visible_to(user).values("pk")
        return (
            Municipality.objects.visible_to(user)
            .annotate(
                project_count=Count(
                    "projects", filter=Q(projects__in=visible_projects), distinct=True
                )
            )
            .prefetch_related(
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.visible_to(user).select_related("programme"),
                    to_attr="visible_agreements",
                )
            )
            .order_by("name")
        )


class MunicipalityDetailView(DetailView):
    model = Municipality
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Municipality.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        municipality = self.object
        agreements = list(
            Agreement.objects.visible_to(user)
            .filter(municipalities=municipality)
            .with_totals(user)
            .select_related("programme")
        )
        projects = list(
            Project.objects.visible_to(user)
            .filter(municipalities=municipality)
            .with_totals()
            .select_related("agreement__programme", "focus_area", "leader")
            .prefetch_related("municipalities")
        )
        context.update(
            agreements=agreements,
            projects=projects,
            total_budget=sum(p.budget_sum for p in projects),
            total_county=sum(p.county_sum for p in projects),
            milestones=Milestone.objects.visible_to(user)
            .filter(
                Q(agreement__municipalities=municipality) | Q(project__municipalities=municipality)
            )
            .select_related("agreement", "project")
            .distinct(),
        )
        return context


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
