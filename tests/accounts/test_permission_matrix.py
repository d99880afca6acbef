"""Every URL of the project, for every role, with GET and POST.

The URL names come from the resolver, so a new view without a row here fails
`test_every_url_has_a_row`. Objects belong to Snåsa («owner»); Meråker's leader is
«other», in the same programme.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from accounts.services import invitation_tokens, system_user_create
from agreements.models import AgreementAddendum
from documents.models import Document
from projects.models import ChangeRequest, ProgressReport
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)
from tests.module_world import built_once_per_module

ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"  # a redirect to the login page


@dataclass
class World:
    users: dict
    programme: object
    agreement: object
    draft_agreement: object
    project: object
    draft_project: object
    managed: object  # a user the adviser manages
    invited: object  # a user with a pending invitation
    draft_report: object  # the owner's draft status report on `project`
    submitted_report: object
    approved_report: object
    project_document: object  # attached to the published project
    draft_project_document: object  # attached to the draft project
    draft_report_document: object  # attached to the draft report
    agreement_document: object  # attached to the published agreement
    addendum: object  # to the published agreement
    closed_project: object = None  # closed out, under the published agreement
    change_request: object = None  # the owner's, on `project`, waiting for the adviser


def build_world() -> World:
    programme = ProgrammeFactory(slug="i-lag", shared_with_partners=True)
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    agreement.signed_document.save("avtale.pdf", ContentFile(b"%PDF-1.4 signed"))
    draft_agreement = AgreementFactory(programme=programme, municipalities=[snasa], draft=True)
    draft_agreement.signed_document.save("utkast.pdf", ContentFile(b"%PDF-1.4 draft"))
    AgreementFactory(programme=programme, municipalities=[meraker])
    project = ProjectFactory(agreement=agreement)
    draft_project = ProjectFactory(agreement=agreement, draft=True)
    adviser = UserFactory(username="adviser", role=Role.ADVISER)
    adviser.programmes.add(programme)
    users = {
        "anonymous": None,
        "adviser": adviser,
        "owner": UserFactory(username="owner", role=Role.PROJECT_LEADER, municipalities=[snasa]),
        "other": UserFactory(username="other", role=Role.PROJECT_LEADER, municipalities=[meraker]),
        "committee": UserFactory(username="committee", role=Role.COMMITTEE_READER),
        "partner": UserFactory(username="partner", role=Role.PARTNER),
    }
    managed = UserFactory(username="managed", role=Role.PROJECT_LEADER, municipalities=[meraker])
    invited = UserFactory(username="invited", role=Role.PROJECT_LEADER, municipalities=[snasa])
    invited.set_unusable_password()
    invited.save()
    reports = {
        status: ProgressReport.objects.create(
            project=project,
            period_start=project.start_date,
            period_end=project.start_date,
            status=status,
            created_by=users["owner"],
        )
        for status in ProgressReport.Status.values
    }

    def document(**parent):
        return Document.objects.create(
            title="Vedlegg",
            file=ContentFile(b"%PDF-1.4 vedlegg", name="vedlegg.pdf"),
            original_name="vedlegg.pdf",
            content_type="application/pdf",
            size=16,
            uploaded_by=users["owner"],
            **parent,
        )

    return World(
        users,
        programme,
        agreement,
        draft_agreement,
        project,
        draft_project,
        managed,
        invited,
        draft_report=reports[ProgressReport.Status.DRAFT],
        submitted_report=reports[ProgressReport.Status.SUBMITTED],
        approved_report=reports[ProgressReport.Status.APPROVED],
        project_document=document(project=project),
        draft_project_document=document(project=draft_project),
        draft_report_document=document(progress_report=reports[ProgressReport.Status.DRAFT]),
        agreement_document=document(agreement=agreement),
        addendum=AgreementAddendum.objects.create(
            agreement=agreement,
            signed_on=agreement.start_date,
            reason="Lengre periode",
            new_end_date=agreement.end_date,
            document=ContentFile(b"%PDF-1.4 tillegg", name="tillegg.pdf"),
        ),
        closed_project=ProjectFactory(agreement=agreement, status="completed"),
        change_request=ChangeRequest.objects.create(
            project=project,
            reason="Forlenget periode",
            proposed={"start_date": "2023-05-01", "end_date": "2025-04-30"},
            summary="Perioden endres.",
            base_version=project.version,
            submitted_by=users["owner"],
        ),
    )


def uid(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


def every(get, post=None):
    """The same outcome for every signed-in role; anonymous goes to the login page."""
    outcome = (get, post if post is not None else get)
    return {"anonymous": (LOGIN, LOGIN), **{role: outcome for role in ROLES[1:]}}


def public(get, post):
    """No login needed: the same for everyone, anonymous included."""
    return {role: (get, post) for role in ROLES}


def editors(get, post):
    """The adviser following the programme and the owning municipality's leader edit; the
    others may see the published project but not change it."""
    return {**every(403, 403), "adviser": (get, post), "owner": (get, post)}


def every_hidden(outcome):
    """Signed-in users who may not see a draft or an unapproved report get 404."""
    return {
        "anonymous": (LOGIN, LOGIN),
        "other": (outcome, outcome),
        "committee": (outcome, outcome),
        "partner": (outcome, outcome),
    }


def system_user(world):
    return system_user_create(
        created_by=world.users["adviser"], name="Styringsdata", role=Role.COMMITTEE_READER
    )


def adviser_only(get, post):
    return {**every(403, 403), "adviser": (get, post)}


def drafts_hidden(get=200, post=405):
    """Readable by the adviser and the owning municipality's leader; 404 for the rest
    (a read-only view refuses POST with 405 for everyone, before looking anything up)."""
    return {**every(404, post), "adviser": (get, post), "owner": (get, post)}


# url name -> list of (kwargs from the world, {role: (GET outcome, POST outcome)})
MATRIX = {
    # Advisers get their dashboard; everyone else is sent to their landing page.
    "home": [(lambda w: {}, {**every(302, 405), "adviser": (200, 405)})],
    "health": [(lambda w: {}, public(200, 405))],
    "login": [(lambda w: {}, {**public(302, 302), "anonymous": (200, 200)})],
    "logout": [(lambda w: {}, every(405, LOGIN))],
    "set_language": [(lambda w: {}, public(302, 302))],
    "agreements:programme-list": [(lambda w: {}, every(200, 405))],
    "agreements:programme-detail": [(lambda w: {"slug": w.programme.slug}, every(200, 405))],
    # An empty POST comes back as the form with its errors.
    "agreements:programme-create": [(lambda w: {}, adviser_only(200, 200))],
    "agreements:programme-update": [(lambda w: {"slug": w.programme.slug}, adviser_only(200, 200))],
    "agreements:create": [(lambda w: {"slug": w.programme.slug}, adviser_only(200, 200))],
    # A draft's terms: the adviser; its own leader sees it but may not change it.
    "agreements:update": [
        (
            lambda w: {"pk": w.draft_agreement.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (403, 403)},
        ),
        (lambda w: {"pk": w.agreement.pk}, every(403, 403)),
    ],
    "agreements:sign": [
        (
            lambda w: {"pk": w.draft_agreement.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (403, 403)},
        ),
        (lambda w: {"pk": w.agreement.pk}, every(403, 403)),
    ],
    "agreements:amend": [
        (lambda w: {"pk": w.agreement.pk}, {**every(403, 403), "adviser": (200, 200)}),
        (
            lambda w: {"pk": w.draft_agreement.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    "agreements:terminate": [
        (lambda w: {"pk": w.agreement.pk}, {**every(403, 403), "adviser": (200, 200)}),
        (
            lambda w: {"pk": w.draft_agreement.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    # Read by whoever sees the agreement (a read-only view refuses POST with 405).
    "agreements:addendum-document": [(lambda w: {"pk": w.addendum.pk}, every(200, 405))],
    "agreements:programme-copy": [(lambda w: {"slug": w.programme.slug}, adviser_only(200, 200))],
    "agreements:detail": [
        (lambda w: {"pk": w.agreement.pk}, every(200, 405)),
        (lambda w: {"pk": w.draft_agreement.pk}, drafts_hidden()),
    ],
    "agreements:signed-document": [
        (lambda w: {"pk": w.agreement.pk}, every(200, 405)),
        (lambda w: {"pk": w.draft_agreement.pk}, drafts_hidden()),
    ],
    "municipalities:list": [(lambda w: {}, every(200, 405))],
    "municipalities:detail": [(lambda w: {"number": "5041"}, every(200, 405))],
    "municipalities:suggest": [(lambda w: {}, every(200, 405))],
    # An empty POST comes back as the form: it was not opened on the numbers as they are.
    "municipalities:update": [(lambda w: {"number": "5041"}, adviser_only(200, 200))],
    "projects:list": [(lambda w: {}, every(200, 405))],
    "projects:detail": [
        (lambda w: {"pk": w.project.pk}, every(200, 405)),
        (lambda w: {"pk": w.draft_project.pk}, drafts_hidden()),
    ],
    "projects:mine": [(lambda w: {}, every(200, 405))],
    "projects:report-list": [(lambda w: {}, every(200, 405))],
    "agreements:list": [(lambda w: {}, every(200, 405))],
    "evaluations:milestone-list": [(lambda w: {}, every(200, 405))],
    "projects:update": [
        (lambda w: {"pk": w.project.pk}, editors(200, 200)),
        # Closed: frozen until an adviser reopens it.
        (lambda w: {"pk": w.closed_project.pk}, every(403, 403)),
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (200, 200)},
        ),
    ],
    "projects:targets": [
        (lambda w: {"pk": w.project.pk}, editors(200, 200)),
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (200, 200)},
        ),
        (lambda w: {"pk": w.closed_project.pk}, every(403, 403)),
    ],
    "projects:financing": [
        (lambda w: {"pk": w.project.pk}, editors(200, 200)),
        # Closed: frozen until an adviser reopens it.
        (lambda w: {"pk": w.closed_project.pk}, every(403, 403)),
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (200, 200)},
        ),
    ],
    # Status reports are written on approved projects, until they are closed.
    "projects:report-create": [
        # The project has a draft report: the leader is sent on to it (an empty POST
        # comes back as the form with its errors).
        (lambda w: {"pk": w.project.pk}, {**every(403, 403), "owner": (302, 200)}),
        (lambda w: {"pk": w.closed_project.pk}, every(403, 403)),
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    # A project is proposed under a signed agreement by its municipality's leaders, or
    # made directly by the adviser (an empty POST comes back as the form with errors).
    "projects:propose": [
        (
            lambda w: {"agreement": w.agreement.pk},
            {**every(403, 403), "adviser": (200, 200), "owner": (200, 200)},
        ),
        (
            lambda w: {"agreement": w.draft_agreement.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    "projects:submit": [
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (405, 302)},
        ),
        (lambda w: {"pk": w.project.pk}, every(403, 403)),
    ],
    "projects:review": [
        (
            lambda w: {"pk": w.draft_project.pk},
            {**every_hidden(404), "adviser": (200, 200), "owner": (403, 403)},
        ),
        (lambda w: {"pk": w.project.pk}, every(403, 403)),
    ],
    # Change requests: the project's leaders and the programme's advisers.
    "projects:change-detail": [
        (
            lambda w: {"pk": w.change_request.pk},
            {**every(404, 404), "adviser": (200, 405), "owner": (200, 405)},
        ),
    ],
    "projects:change-review": [
        (
            lambda w: {"pk": w.change_request.pk},
            {**every(404, 404), "adviser": (405, 302), "owner": (403, 403)},
        ),
    ],
    "projects:close": [
        (lambda w: {"pk": w.project.pk}, adviser_only(200, 200)),
        (lambda w: {"pk": w.closed_project.pk}, every(403, 403)),
    ],
    "projects:reopen": [
        (lambda w: {"pk": w.closed_project.pk}, adviser_only(200, 200)),
        (lambda w: {"pk": w.project.pk}, every(403, 403)),
    ],
    "projects:report-detail": [
        (lambda w: {"pk": w.draft_report.pk}, {**drafts_hidden(), **every_hidden(404)}),
        (lambda w: {"pk": w.approved_report.pk}, every(200, 405)),
    ],
    "projects:report-update": [
        (
            lambda w: {"pk": w.draft_report.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (200, 200)},
        ),
        (
            lambda w: {"pk": w.submitted_report.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (403, 403)},
        ),
    ],
    "projects:report-submit": [
        (
            lambda w: {"pk": w.draft_report.pk},
            {**every_hidden(404), "adviser": (403, 403), "owner": (405, 302)},
        ),
    ],
    "projects:report-review": [
        (
            lambda w: {"pk": w.submitted_report.pk},
            {**every_hidden(404), "adviser": (405, 302), "owner": (403, 403)},
        ),
    ],
    "accounts:user-list": [(lambda w: {}, adviser_only(200, 405))],
    "accounts:user-invite": [(lambda w: {}, adviser_only(200, 200))],
    "accounts:user-update": [(lambda w: {"pk": w.managed.pk}, adviser_only(200, 200))],
    "accounts:system-user-create": [(lambda w: {}, adviser_only(200, 200))],
    # A system user's keys; any other user is not found there, whoever asks.
    "accounts:api-tokens": [
        (lambda w: {"pk": system_user(w).pk}, adviser_only(200, 200)),
        (lambda w: {"pk": w.managed.pk}, every(404, 404)),
    ],
    # POST without a key's beginning: no such key.
    "accounts:api-token-revoke": [(lambda w: {"pk": system_user(w).pk}, adviser_only(405, 404))],
    "accounts:user-deactivate": [(lambda w: {"pk": w.managed.pk}, adviser_only(405, 302))],
    "accounts:user-activate": [(lambda w: {"pk": w.managed.pk}, adviser_only(405, 302))],
    "accounts:invitation-resend": [(lambda w: {"pk": w.invited.pk}, adviser_only(405, 302))],
    "accounts:invitation": [
        (
            lambda w: {"uidb64": uid(w.invited), "token": invitation_tokens.make_token(w.invited)},
            public(200, 200),
        )
    ],
    "accounts:profile": [(lambda w: {}, every(200, 200))],
    "accounts:password-change": [(lambda w: {}, every(200, 200))],
    "accounts:password-change-done": [(lambda w: {}, every(200, 405))],
    "accounts:session-extend": [(lambda w: {}, every(405, 200))],
    "accounts:password-reset": [(lambda w: {}, public(200, 200))],
    "accounts:password-reset-done": [(lambda w: {}, public(200, 405))],
    "accounts:password-reset-confirm": [
        (
            lambda w: {
                "uidb64": uid(w.managed),
                "token": default_token_generator.make_token(w.managed),
            },
            public(302, 302),
        )
    ],
    "accounts:password-reset-complete": [(lambda w: {}, public(200, 405))],
}


def _merge_rows():
    """Rows kept beside other parts of the suite, in tests/accounts/matrix_*.py."""
    import importlib
    import pkgutil

    import tests.accounts as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("matrix_"):
            rows = importlib.import_module(f"tests.accounts.{info.name}").ROWS
            overlap = set(MATRIX) & set(rows)
            assert not overlap, overlap
            MATRIX.update(rows)


_merge_rows()


def project_url_names() -> set[str]:
    """Every named URL of the project, except the Django admin (staff only, its own test)."""
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row():
    missing = project_url_names() - set(MATRIX)
    assert not missing, f"Views without rows in the permission matrix: {sorted(missing)}"
    assert not set(MATRIX) - project_url_names(), "Rows for URLs that no longer exist"


CASES = [
    pytest.param(name, index, id=f"{name}[{index}]")
    for name, variants in MATRIX.items()
    for index in range(len(variants))
]


def outcome_of(name, kwargs_of, world, role, method):
    """What one role gets for one method, in a savepoint rolled back afterwards, so
    every role meets the same world (a POST that deactivates a user, say, is undone)."""
    savepoint = transaction.savepoint()
    try:
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        url = reverse(name, kwargs=kwargs_of(world))
        response = client.get(url) if method == "GET" else client.post(url, {})
        if response.status_code == 302 and response["Location"].startswith(reverse("login")):
            return url, LOGIN
        return url, response.status_code
    finally:
        transaction.savepoint_rollback(savepoint)


_built, world = built_once_per_module("world", build_world)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), CASES)
def test_permission_matrix(world, name, index):
    kwargs_of, outcomes = MATRIX[name][index]
    wrong = []
    for role in ROLES:
        for position, method in enumerate(("GET", "POST")):
            expected = outcomes[role][position]
            url, got = outcome_of(name, kwargs_of, world, role, method)
            if got != expected:
                wrong.append(f"{role} {method} {url}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_staff_only(world, client, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
