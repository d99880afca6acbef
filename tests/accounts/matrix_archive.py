"""Permission-matrix rows for the Arkivering pages under /arkiv/ (portal/views/archive.py),
merged into MATRIX by test_permission_matrix.py. Same format: url name -> [(kwargs from
World, outcomes)]. The records are made inside the kwargs functions.

Only county advisers follow archiving: others get 403 before anything is looked up. The
list is read-only (POST 405); «Prøv igjen» is POST only (GET 405 for the adviser, 403 for
the rest); marking by hand shows
its form (POST {} lacks the reference: the form again with the message, 200).
"""

# As in test_permission_matrix.py (not imported from there: that module imports this one).
ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"


def failed_record(world):
    import datetime

    from archive.models import ArchiveRecord

    record = ArchiveRecord.objects.create(
        kind=ArchiveRecord.Kind.AGREEMENT_SIGNED,
        external_key=f"ilag-agreement-{world.agreement.pk}-signed",
        programme=world.programme,
        agreement=world.agreement,
        case_key=f"ilag-agreement-{world.agreement.pk}",
        case_title="Samarbeidsavtale",
        title="Signert samarbeidsavtale – Snåsa kommune",
        record_type="I",
        document_date=datetime.date(2023, 5, 1),
        status=ArchiveRecord.Status.FAILED,
        last_error="Arkivet avviste journalposten: test",
    )
    return {"pk": record.pk}


def advisers_only(get, post):
    return {
        "anonymous": (LOGIN, LOGIN),
        "adviser": (get, post),
        **{role: (403, 403) for role in ("owner", "other", "committee", "partner")},
    }


ROWS = {
    "archive:list": [(lambda w: {}, advisers_only(200, 405))],
    # The programme's close-out check: the programme's advisers (read-only: POST 405).
    "archive:programme": [(lambda w: {"slug": w.programme.slug}, advisers_only(200, 405))],
    # Registering a missing record: POST only (405 to a GET); an empty POST names no
    # record and goes back to the close-out page with the message (302).
    "archive:register": [(lambda w: {"slug": w.programme.slug}, advisers_only(405, 302))],
    "archive:retry": [
        (
            failed_record,
            {
                "anonymous": (LOGIN, LOGIN),
                "adviser": (405, 302),
                **{role: (403, 403) for role in ("owner", "other", "committee", "partner")},
            },
        )
    ],
    "archive:mark": [(failed_record, advisers_only(200, 200))],
}
