"""Permission-matrix rows for the PDF report orders under /rapporter/
(evaluations/urls_report_orders.py), merged into MATRIX by test_permission_matrix.py. Same
format: url name -> [(kwargs from World, outcomes)]. The orders are made inside the
kwargs functions.

Advisers following the programme order any report and see every order of it; project
leaders order project reports on their own projects and see the orders that concern their
municipality; committee readers see the final reports to the committee (nothing else) and
order nothing; partners see no orders. Read-only views refuse POST with 405 before
looking anything up; the «final» page (GET: what will be frozen, POST: confirm) is the
following adviser's only.
"""

from django.core.files.base import ContentFile

# As in test_permission_matrix.py (not imported from there: that module imports this one).
ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"
MATRIX_FILE = "reports/test/matrise.pdf"


def _order(world, *, status="ready", kind="programme", **fields):
    from ilag.files import reports_storage
    from reports.models import ReportOrder

    if status == "ready":
        # One small file shared by every case, rather than one left behind per case.
        storage = reports_storage()
        if not storage.exists(MATRIX_FILE):
            storage.save(MATRIX_FILE, ContentFile(b"%PDF-1.7\n%%EOF\n"))
        fields.update(file=MATRIX_FILE, pages=1, size=15)
    fields.setdefault("ordered_by", world.users["adviser"])
    return ReportOrder.objects.create(
        kind=kind, programme=world.programme, status=status, **fields
    ).pk


def ready_programme_order(world):
    return {"pk": _order(world)}


def final_programme_order(world):
    import datetime

    return {
        "pk": _order(
            world,
            is_final=True,
            meeting_organ="Hovedutvalg for næring",
            meeting_date=datetime.date(2026, 11, 10),
            assessment="Programmet går etter planen.",
        )
    }


def queued_programme_order(world):
    return {"pk": _order(world, status="queued")}


def ready_project_order(world):
    """A finished report on Snåsa's project, ordered by Snåsa's leader («owner»)."""
    return {
        "pk": _order(world, kind="project", project=world.project, ordered_by=world.users["owner"])
    }


def outcomes(adviser, owner, other, committee, partner, post=405):
    """GET outcomes per role; POST `post` for every signed-in role."""
    gets = {
        "adviser": adviser,
        "owner": owner,
        "other": other,
        "committee": committee,
        "partner": partner,
    }
    return {"anonymous": (LOGIN, LOGIN), **{role: (gets[role], post) for role in ROLES[1:]}}


# Who sees an order (GET 200, else 404): committee readers only what was put before the
# committee (a final report to the committee), not the advisers' ad-hoc orders.
PROGRAMME_READY = outcomes(adviser=200, owner=404, other=404, committee=404, partner=404)
PROGRAMME_FINAL = outcomes(adviser=200, owner=404, other=404, committee=200, partner=404)
PROJECT_READY = outcomes(adviser=200, owner=200, other=404, committee=404, partner=404)
PROGRAMME_QUEUED = outcomes(adviser=200, owner=404, other=404, committee=404, partner=404)

ROWS = {
    "reports:list": [
        (lambda w: {}, outcomes(200, 200, 200, 200, 200)),
    ],
    # «Saker til politisk behandling»: each sees the final reports he may see (none for
    # leaders and partners: an empty list).
    "reports:committee": [
        (lambda w: final_programme_order(w) and {}, outcomes(200, 200, 200, 200, 200)),
    ],
    "reports:create": [
        # POST {} is an incomplete form: shown again (200) to those who may order.
        (
            lambda w: {},
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (200, 200),
                "owner": (200, 200),
                "other": (200, 200),
                "committee": (403, 403),
                "partner": (403, 403),
            },
        ),
    ],
    "reports:detail": [
        (ready_programme_order, PROGRAMME_READY),
        (final_programme_order, PROGRAMME_FINAL),
        (ready_project_order, PROJECT_READY),
        (queued_programme_order, PROGRAMME_QUEUED),
    ],
    "reports:status": [
        (ready_programme_order, PROGRAMME_READY),
        (final_programme_order, PROGRAMME_FINAL),
        (ready_project_order, PROJECT_READY),
        (queued_programme_order, PROGRAMME_QUEUED),
    ],
    "reports:download": [
        (ready_programme_order, PROGRAMME_READY),
        (final_programme_order, PROGRAMME_FINAL),
        (ready_project_order, PROJECT_READY),
        # Not ready: nothing to download, even for the adviser.
        (queued_programme_order, outcomes(404, 404, 404, 404, 404)),
    ],
    "reports:final": [
        # The adviser following the programme marks a ready report to the committee
        # final (POST {} lacks the confirmation: the page again, 200); the others do not
        # see it.
        (
            ready_programme_order,
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (200, 200),
                "owner": (404, 404),
                "other": (404, 404),
                "committee": (404, 404),
                "partner": (404, 404),
            },
        ),
        # Final already: never again.
        (
            final_programme_order,
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (403, 403),
                "owner": (404, 404),
                "other": (404, 404),
                "committee": (403, 403),
                "partner": (404, 404),
            },
        ),
        # Not finished yet: nobody may mark it final.
        (
            queued_programme_order,
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (403, 403),
                "owner": (404, 404),
                "other": (404, 404),
                "committee": (404, 404),
                "partner": (404, 404),
            },
        ),
        # Only programme reports are made final.
        (
            ready_project_order,
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (403, 403),
                "owner": (403, 403),
                "other": (404, 404),
                "committee": (404, 404),
                "partner": (404, 404),
            },
        ),
    ],
}
