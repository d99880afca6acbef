from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.models import Role
from agreements.models import Programme
from evaluations.models import DUE_SOON_DAYS, Milestone
from ilag.cache import cache_get, cache_set, digest, page_key
from ilag.views import ReadOnlyPageMixin
from portal import charts, dashboard, summary

# Committee readers land on «Saker til politisk behandling»: the final reports by meeting.
COMMITTEE_LANDING = "reports:committee"


class HomeView(ReadOnlyPageMixin, TemplateView):
    """Advisers land on their dashboard; project leaders on «Mine prosjekter»;
    committee readers on their matters (final reports by meeting); everyone else on the programmes."""

    template_name = "dashboard.html"
    paginate_by = 25
    # Its content is kept by itself (below), without the redirects and the page frame.
    page_cache = False

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.is_project_leader:
            return redirect("projects:mine")
        if user.has_role(Role.COMMITTEE_READER) and not user.is_adviser:
            return redirect(COMMITTEE_LANDING)
        if not user.is_adviser:
            return redirect("agreements:programme-list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """The page's content is computed and rendered once per user, choice and version
        of the data (ilag.cache), then served from the cache until something changes."""
        key = self.cache_key()
        body = cache_get(key) if key else None
        if body is None:
            body = render_to_string(
                "includes/dashboard_body.html", self.figures(), request=self.request
            )
            if key:
                cache_set(key, body, settings.DASHBOARD_CACHE_SECONDS)
        # Our own rendering, from the cache that only this view writes.
        return super().get_context_data(body=mark_safe(body), **kwargs)

    def cache_key(self) -> str | None:
        # Only the programme and the page choose what the content shows; other
        # parameters are not in the key.
        choice = "\n".join(self.request.GET.get(name, "")[:100] for name in ("program", "side"))
        return page_key(
            "ilag:dashboard",
            str(self.request.user.pk),
            digest(choice),
            seconds=settings.DASHBOARD_CACHE_SECONDS,
        )

    def figures(self) -> dict:
        user = self.request.user
        today = timezone.localdate()
        programmes = list(Programme.objects.visible_to(user).order_by("start_date", "name"))
        if not programmes:
            return {"programmes": []}
        chosen = self.request.GET.get("program")
        # Unless one is chosen: the newest programme running today.
        running = [p for p in programmes if p.start_date <= today <= p.end_date]
        default = max(running, key=lambda p: p.start_date) if running else programmes[0]
        programme = next((p for p in programmes if p.slug == chosen), default)
        # The programme's figures as kept up to date (portal.summary): an adviser sees
        # every project and agreement of a programme he follows.
        kept = summary.figures_for(programme)
        paginator = Paginator(kept["rows"], self.paginate_by)
        page = paginator.get_page(self.request.GET.get("side"))
        rows = dashboard.municipality_rows(page.object_list)
        for row, kept_row in zip(rows, page.object_list, strict=True):
            row.money = summary.money_of(kept_row["money"])
            # What depends on today's date.
            for name, value in dashboard.milestone_figures(kept_row["milestones"], today).items():
                setattr(row, name, value)
            row.next_kind_label = Milestone.Kind(row.next_kind).label if row.next_kind else ""
            row.next_due_soon = (
                row.next_due is not None and (row.next_due - today).days <= DUE_SOON_DAYS
            )
        totals = dashboard.totals_of(kept)
        lights = dashboard.lights_of(kept)
        waiting = dashboard.waiting_for_approval(kept["waiting"])
        query = QueryDict(mutable=True)
        query["program"] = programme.slug
        return dict(
            programmes=programmes,
            programme=programme,
            totals=totals,
            money=summary.money_of(kept["money"]),
            rows=rows,
            page_obj=page,
            paginator=paginator,
            querystring=query.urlencode(),
            lights=lights,
            budget_chart=charts.budget_use_chart(
                [(r.name, r.budget, r.incurred) for r in rows],
                title=_("Budget and costs incurred per municipality"),
                chart_id="budget-chart",
            ),
            light_chart=charts.light_chart(
                lights, title=_("Projects by latest status light"), chart_id="light-chart"
            ),
            waiting_progress=waiting["progress"],
            waiting_milestones=waiting["milestones"],
            waiting_proposals=waiting["proposals"],
            waiting_changes=waiting["changes"],
            waiting_count=waiting["count"],
            waiting_not_listed=waiting["not_listed"],
            overdue_count=dashboard.overdue_count(kept["open_milestones"], today),
            today=today,
        )
