from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum, Window
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from accounts.permissions import follows_programme
from agreements.filters import AgreementFilter
from agreements.models import Agreement, AgreementAddendum, Programme
from agreements.permissions import (
    can_amend_agreement,
    can_change_agreement_terms,
    can_create_agreement,
    can_create_programme,
    can_edit_programme,
    can_view_signed_document,
)
from archive.models import ArchiveRecord
from archive.permissions import can_follow_archive
from documents.models import Document
from documents.permissions import can_attach_document
from documents.views import DOCUMENT_PAGES
from evaluations.models import Milestone
from evaluations.permissions import can_manage_programme_milestones
from evaluations.timeline import programme_timeline
from ilag.aggregates import aggregated, scalar_sum
from ilag.files import private_download
from ilag.lists import Column, FilteredListView
from ilag.paging import Section
from ilag.views import ReadOnlyPageMixin
from municipalities.models import Municipality
from payouts.figures import money_total
from payouts.models import Tranche
from payouts.permissions import can_edit_plan
from portal.views.archive import archive_counts, archive_records_for
from projects.models import BudgetLine, FundingLine, Project, agreements_with_totals
from projects.permissions import can_propose_project
from projects.services import frame_remaining, with_frame_granted
from reports.history import changes_for_agreement, history_page

# An agreement's projects (by number) and milestones (by due date, the projects' too): 25 a
# page each («?prosjekter=2», «?milepeler=2»).
PROJECT_PAGES = Section("prosjekter", per_page=25)
MILESTONE_PAGES = Section("milepeler", per_page=25)


class ProgrammeListView(ReadOnlyPageMixin, ListView):
    model = Programme
    template_name = "agreements/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        user = self.request.user
        return (
            Programme.objects.visible_to(user)
            .select_related("owner")
            .annotate(
                agreement_count=Count(
                    "agreements",
                    filter=Q(agreements__in=Agreement.objects.visible_to(user).values("pk")),
                    distinct=True,
                ),
                project_count=Count(
                    "agreements__projects",
                    filter=Q(
                        agreements__projects__in=Project.objects.visible_to(user).values("pk")
                    ),
                    distinct=True,
                ),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create_programme=can_create_programme(self.request.user), **kwargs
        )


class ProgrammeDetailView(ReadOnlyPageMixin, DetailView):
    model = Programme
    template_name = "agreements/programme_detail.html"
    context_object_name = "programme"
    paginate_by = 50  # agreements a page
    page_kwarg = "side"

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).select_related("owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = self.object
        visible = Agreement.objects.visible_to(user).filter(programme=programme)
        agreements = agreements_with_totals(visible, user)
        # The programme's totals are over every agreement the user may see, and the
        # projects under them he may see: the sums of the rows' columns, summed by the
        # database in one query (each table read once, not once per agreement) that also
        # counts them for the paginator.
        projects = Project.objects.visible_to(user).filter(agreement__in=visible.values("pk"))
        totals = visible.aggregate(
            count=Count("pk"),
            frame=Sum("county_frame", default=0),
            budget=aggregated(scalar_sum(BudgetLine.objects.filter(project__in=projects))),
            county=aggregated(
                scalar_sum(
                    FundingLine.objects.filter(project__in=projects, source=programme.owner_id)
                )
            ),
        )
        paginator = Paginator(
            agreements.prefetch_related(
                Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
            ).order_by("start_date", "title", "pk"),
            self.paginate_by,
        )
        paginator.count = totals["count"]
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        rows = list(page.object_list)
        context.update(
            agreements=rows,
            page_obj=page,
            paginator=paginator,
            agreement_count=totals["count"],
            total_frame=totals["frame"],
            total_budget=totals["budget"] or 0,
            total_county=totals["county"] or 0,
            focus_areas=programme.focus_areas.all(),
            cost_categories=programme.cost_categories.all(),
            milestones=Milestone.objects.visible_to(user)
            .filter(programme=programme)
            .select_related("responsible"),
            can_edit_programme=can_edit_programme(user, programme),
            can_create_agreement=can_create_agreement(user, programme),
            milestone_templates=programme.milestone_templates.all(),
            # The close-out check: what must be in the archive and is not (advisers).
            # The close-out check has a page of its own (it reads every record); here
            # the programme's records by status, in one small query.
            archive_counts=archive_counts(programme)
            if follows_programme(user, programme.pk)
            else None,
            # The page's agreements only, like the table above it.
            timeline=programme_timeline(
                programme, user=user, today=timezone.localdate(), agreements=rows
            ),
        )
        return context


class AgreementDetailView(ReadOnlyPageMixin, DetailView):
    model = Agreement
    template_name = "agreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        agreements = (
            Agreement.objects.visible_to(self.request.user)
            .select_related("programme__owner")
            .prefetch_related("municipalities", "other_parties", "focus_areas", "addenda")
            .annotate(has_plan=Exists(Tranche.objects.filter(agreement=OuterRef("pk"))))
        )
        return with_frame_granted(agreements)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        agreement = self.object
        # The money of approved projects; proposals are listed but not yet counted. The
        # totals are over all the projects, not the page's: summed by the database in
        # the query that reads the page.
        counted = ~Q(status__in=Project.PROPOSAL_STATES)
        projects = PROJECT_PAGES.page(
            Project.objects.visible_to(user)
            .filter(agreement=agreement)
            .with_totals()
            .select_related("focus_area", "leader")
            .prefetch_related("municipalities")
            .annotate(
                all_budget=Window(Sum("budget_sum", filter=counted)),
                all_funding=Window(Sum("funding_sum", filter=counted)),
                all_county=Window(Sum("county_sum", filter=counted)),
                all_proposals=Window(Count("pk", filter=~counted)),
            ),
            self.request.GET,
        )
        totals = projects.fetched[0] if projects.fetched else None
        milestones = MILESTONE_PAGES.page(
            Milestone.objects.visible_to(user)
            .filter(Q(agreement=agreement) | Q(project__agreement=agreement))
            .select_related("project", "responsible", "template"),
            self.request.GET,
        )
        for milestone in milestones:
            # The agreement's own milestones name it: the page has it already.
            if milestone.agreement_id == agreement.pk:
                milestone.agreement = agreement
        # What the page has loaded, so that the change history need not look it up again.
        known = [
            agreement.programme,
            *agreement.municipalities.all(),
            *agreement.other_parties.all(),
            *agreement.focus_areas.all(),
            *(person for m in milestones for person in (m.responsible, m.template)),
        ]
        context.update(
            projects=projects,
            total_budget=(totals and totals.all_budget) or 0,
            total_funding=(totals and totals.all_funding) or 0,
            total_county=(totals and totals.all_county) or 0,
            frame_left=frame_remaining(agreement),
            money=money_total(Project.objects.visible_to(user).filter(agreement=agreement)),
            can_edit_plan=can_edit_plan(user, agreement),
            has_plan=agreement.has_plan,
            has_proposals=bool(totals and totals.all_proposals),
            can_propose=can_propose_project(user, agreement),
            documents=DOCUMENT_PAGES.page(
                Document.objects.visible_to(user)
                .filter(agreement=agreement)
                .select_related("uploaded_by"),
                self.request.GET,
            ),
            upload_url=reverse("documents:upload-agreement", args=[agreement.pk]),
            can_attach=can_attach_document(user, agreement),
            can_delete=can_attach_document(user, agreement),
            history=changes_for_agreement(
                agreement, known=known, page=history_page(self.request.GET)
            ),
            can_manage_milestones=can_manage_programme_milestones(user, agreement.programme),
            can_change_terms=can_change_agreement_terms(user, agreement),
            can_amend=can_amend_agreement(user, agreement),
            milestones=milestones,
            # The agreement is the case folder: its signing and addenda, flagged when
            # the document has changed since; the projects' records are on their pages.
            archive_records=archive_records_for(
                user,
                changed=True,
                agreement=agreement,
                kind__in=(ArchiveRecord.Kind.AGREEMENT_SIGNED, ArchiveRecord.Kind.ADDENDUM_SIGNED),
            ),
            can_follow_archive=can_follow_archive(user),
        )
        return context


class SignedDocumentView(DetailView):
    """The signed agreement, served as an attachment to those who may see the agreement."""

    model = Agreement

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        agreement = self.get_object()
        if not can_view_signed_document(request.user, agreement):
            raise Http404
        handle = agreement.signed_document.open("rb")
        suffix = (
            agreement.signed_document.name.rsplit(".", 1)[-1]
            if "." in agreement.signed_document.name
            else "pdf"
        )
        return FileResponse(
            handle, as_attachment=True, filename=f"samarbeidsavtale-{agreement.pk}.{suffix}"
        )


def _names(agreement) -> str:
    return ", ".join(m.name for m in agreement.municipalities.all())


class AgreementListView(FilteredListView):
    template_name = "agreements/agreement_list.html"
    filterset_class = AgreementFilter
    sort_fields = {
        "tittel": "title",
        "program": "programme__name",
        "status": "status",
        "start": "start_date",
        "slutt": "end_date",
        "ramme": "county_frame",
    }
    default_sort = "start"
    export_name = "samarbeidsavtaler"
    export_columns = [
        Column(gettext_lazy("Agreement"), lambda a: a.title),
        Column(gettext_lazy("Municipalities"), _names),
        Column(gettext_lazy("Programme"), lambda a: str(a.programme)),
        Column(gettext_lazy("Main theme"), lambda a: a.theme),
        Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
        Column(gettext_lazy("Start date"), lambda a: a.start_date),
        Column(gettext_lazy("End date"), lambda a: a.end_date),
        Column(gettext_lazy("Frame (NOK)"), lambda a: a.county_frame),
        Column(gettext_lazy("Projects"), lambda a: a.project_count),
        Column(gettext_lazy("Budget (NOK)"), lambda a: a.budget_sum),
        Column(gettext_lazy("Decided by"), lambda a: a.decision_organ),
        Column(gettext_lazy("Decision date"), lambda a: a.decision_date),
        Column(gettext_lazy("Case number"), lambda a: a.decision_case_number),
        Column(gettext_lazy("Demo data"), lambda a: _("Yes") if a.is_demo else ""),
    ]

    def base_queryset(self):
        return Agreement.objects.visible_to(self.request.user)

    def decorate(self, queryset):
        return (
            agreements_with_totals(queryset, self.request.user)
            .select_related("programme")
            .prefetch_related("municipalities")
        )

    def export_title(self):
        return _("Cooperation agreements")

    def extra_context_for(self, rows):
        return {
            "page_frame": sum(a.county_frame for a in rows),
            "page_budget": sum(a.budget_sum for a in rows),
        }


class AddendumDocumentView(DetailView):
    """A signed addendum, as an attachment, to those who may see its agreement."""

    model = AgreementAddendum

    def get_queryset(self):
        return AgreementAddendum.objects.filter(
            agreement__in=Agreement.objects.visible_to(self.request.user).values("pk")
        )

    def get(self, request, *args, **kwargs):
        addendum = self.get_object()
        try:
            handle = addendum.document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return private_download(
            handle,
            filename=f"tilleggsavtale-{addendum.agreement_id}-{addendum.signed_on}.pdf",
            content_type="application/pdf",
        )
