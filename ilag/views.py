from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from ilag.models import WorkerHeartbeat


class HomeView(View):
    """Project leaders land on «Mine prosjekter»; everyone else on the programmes."""

    def get(self, request):
        if request.user.is_project_leader:
            return redirect("projects:mine")
        return redirect("agreements:programme-list")


# The language can be switched on the login page too.
set_language = login_not_required(django_set_language)


@login_not_required
@never_cache
@require_GET
def health(request):
    """For load balancers and compose health checks: database reachable, worker last seen."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return JsonResponse(
        {
            "database": "ok",
            "worker_last_seen": beat.last_seen.isoformat() if beat else None,
            "time": timezone.now().isoformat(),
        }
    )
