"""The root URLconf (ROOT_URLCONF): where every app's pages meet, so it sits on top.

Each namespace keeps its name and its addresses; where a namespace's pages combine
several apps (a project's page shows its milestones, documents and history), those
pages are the portal's views, added to the app's own patterns here.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from accounts import urls as accounts_urls
from evaluations import urls as evaluations_urls
from ilag import views as ilag_views
from municipalities import urls as municipalities_urls
from portal.views import (
    agreements,
    archive,
    home,
    milestones,
    municipalities,
    payouts,
    programmes,
    projects,
    reports,
    users,
)
from projects import urls as projects_urls
from reports import urls as reports_urls

admin.site.site_header = _("I LAG portal – administration")
admin.site.site_title = settings.PORTAL_NAME

agreement_patterns = [
    path("program/", agreements.ProgrammeListView.as_view(), name="programme-list"),
    # Before the programme pattern, which would take «ny» for a programme's address.
    path("program/ny/", programmes.ProgrammeCreateView.as_view(), name="programme-create"),
    path(
        "program/<slug:slug>/",
        agreements.ProgrammeDetailView.as_view(),
        name="programme-detail",
    ),
    path(
        "program/<slug:slug>/rediger/",
        programmes.ProgrammeUpdateView.as_view(),
        name="programme-update",
    ),
    path(
        "program/<slug:slug>/kopier/",
        programmes.ProgrammeCopyView.as_view(),
        name="programme-copy",
    ),
    path(
        "program/<slug:slug>/avtaler/ny/",
        programmes.AgreementCreateView.as_view(),
        name="create",
    ),
    path("avtaler/", agreements.AgreementListView.as_view(), name="list"),
    path("avtaler/<int:pk>/rediger/", programmes.AgreementUpdateView.as_view(), name="update"),
    path("avtaler/<int:pk>/signer/", programmes.AgreementSignView.as_view(), name="sign"),
    path(
        "avtaler/<int:pk>/tilleggsavtale/",
        programmes.AgreementAmendView.as_view(),
        name="amend",
    ),
    path(
        "avtaler/<int:pk>/avslutt/",
        programmes.AgreementTerminateView.as_view(),
        name="terminate",
    ),
    path(
        "avtaler/tilleggsavtaler/<int:pk>/dokument/",
        agreements.AddendumDocumentView.as_view(),
        name="addendum-document",
    ),
    path("avtaler/<int:pk>/", agreements.AgreementDetailView.as_view(), name="detail"),
    path(
        "avtaler/<int:pk>/signert-avtale/",
        agreements.SignedDocumentView.as_view(),
        name="signed-document",
    ),
]

municipality_patterns = [
    path("", municipalities.MunicipalityListView.as_view(), name="list"),
    # Before the detail pattern, which would take «forslag» for a number.
    *municipalities_urls.urlpatterns,
    path("<str:number>/", municipalities.MunicipalityDetailView.as_view(), name="detail"),
]

project_patterns = [
    # The list with the grants' money (a portal page), before the app's own list.
    path("", projects.ProjectListView.as_view(), name="list"),
    *projects_urls.urlpatterns,
    path("mine/", projects.MyProjectsView.as_view(), name="mine"),
    path("<int:pk>/", projects.ProjectDetailView.as_view(), name="detail"),
    path("statusrapporter/<int:pk>/", projects.ReportDetailView.as_view(), name="report-detail"),
]

milestone_patterns = [
    *evaluations_urls.urlpatterns,
    path("<int:pk>/", milestones.MilestoneDetailView.as_view(), name="milestone-detail"),
    path(
        "rapporter/<int:pk>/",
        milestones.MilestoneReportDetailView.as_view(),
        name="report-detail",
    ),
]

payout_patterns = [
    path("", payouts.PayoutListView.as_view(), name="list"),
    path("eksport.<str:fmt>", payouts.PayoutExportView.as_view(), name="export"),
    path("prosjekt/<int:pk>/", payouts.ProjectPayoutsView.as_view(), name="project"),
    path("prosjekt/<int:pk>/ny/", payouts.RequestCreateView.as_view(), name="request-create"),
    path(
        "prosjekt/<int:pk>/utbetalingsplan/",
        payouts.PlanEditView.as_view(kind="project"),
        name="plan-project",
    ),
    path(
        "avtale/<int:pk>/utbetalingsplan/",
        payouts.PlanEditView.as_view(kind="agreement"),
        name="plan-agreement",
    ),
    path(
        "program/<slug:slug>/utbetalingsplan/",
        payouts.PlanEditView.as_view(kind="programme"),
        name="plan-programme",
    ),
    path("anmodninger/<int:pk>/", payouts.RequestDetailView.as_view(), name="request-detail"),
    path(
        "anmodninger/<int:pk>/rediger/", payouts.RequestUpdateView.as_view(), name="request-update"
    ),
    path(
        "anmodninger/<int:pk>/send-inn/",
        payouts.RequestSubmitView.as_view(),
        name="request-submit",
    ),
    path(
        "anmodninger/<int:pk>/vurder/", payouts.RequestReviewView.as_view(), name="request-review"
    ),
    path("<int:pk>/betalt/", payouts.PayoutMarkPaidView.as_view(), name="mark-paid"),
]

# The order's page and the committee's matters show the archive status (portal pages),
# before the app's own patterns.
report_patterns = [
    path("utvalg/", reports.CommitteeMattersView.as_view(), name="committee"),
    path("bestilling/<int:pk>/", reports.ReportOrderDetailView.as_view(), name="detail"),
    *reports_urls.urlpatterns,
]

archive_patterns = [
    path("", archive.ArchiveRecordListView.as_view(), name="list"),
    path("program/<slug:slug>/", archive.ProgrammeArchiveView.as_view(), name="programme"),
    path(
        "program/<slug:slug>/registrer/",
        archive.ProgrammeArchiveRegisterView.as_view(),
        name="register",
    ),
    path("<int:pk>/prov-igjen/", archive.ArchiveRecordRetryView.as_view(), name="retry"),
    path("<int:pk>/manuelt/", archive.ArchiveRecordMarkView.as_view(), name="mark"),
]

account_patterns = [*accounts_urls.urlpatterns, *users.urlpatterns]

# The PDF reports' addresses before they moved to /rapporter/ (a milestone report's own
# page, /milepeler/rapporter/<pk>/, is still there and is not matched by these).
old_report_addresses = [
    re_path(
        r"^milepeler/rapporter/(?P<rest>(bestill/|bestilling/.*)?)$",
        RedirectView.as_view(url="/rapporter/%(rest)s", permanent=True, query_string=True),
    ),
]

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("helse/", ilag_views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", ilag_views.set_language, name="set_language"),
    *old_report_addresses,
    path("", include((agreement_patterns, "agreements"))),
    path("kommuner/", include((municipality_patterns, "municipalities"))),
    path("prosjekter/", include((project_patterns, "projects"))),
    path("filer/", include("documents.urls")),
    path("filer/", include("projects.urls_files")),
    path("milepeler/", include((milestone_patterns, "evaluations"))),
    path("utbetalinger/", include((payout_patterns, "payouts"))),
    path("rapporter/", include((report_patterns, "reports"))),
    path("kalender/", include("evaluations.urls_calendar")),
    path("arkiv/", include((archive_patterns, "archive"))),
    path("", include((account_patterns, "accounts"))),
    path("api/v1/", include("portal.api")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("accounts.urls_oidc")))
