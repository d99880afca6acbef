"""Permission-matrix rows for the file views (namespace «files»), merged into MATRIX by
test_permission_matrix.py. Same format: url name -> [(kwargs from World, outcomes)].

How the outcomes follow from projects/permissions.py: the object is looked up among those
the user may see (404 otherwise), then the permission is checked (403). Upload views take
GET and POST (an empty POST by someone allowed shows the form with errors: 200); the
download and the export take GET only (405 otherwise, before any lookup); deletion asks
on GET and deletes on POST. Agreements are changed by advisers only; reports by the project's own leaders,
and only while the report is a draft or returned.
"""

# As in test_permission_matrix.py (not imported from there: that module imports this one).
ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"


def outcomes(default, **by_role):
    """`default` for every signed-in role unless named; anonymous goes to the login page."""
    return {
        "anonymous": (LOGIN, LOGIN),
        **{role: default for role in ROLES[1:]},
        **by_role,
    }


def editors(get, post, *, others, allowed=("adviser", "owner")):
    """`allowed` roles get (get, post); everyone else signed in gets `others`."""
    return outcomes(others, **{role: (get, post) for role in allowed})


ROWS = {
    "documents:upload-project": [
        (lambda w: {"pk": w.project.pk}, editors(200, 200, others=(403, 403))),
        (lambda w: {"pk": w.draft_project.pk}, editors(200, 200, others=(404, 404))),
    ],
    "documents:upload-agreement": [
        (
            lambda w: {"pk": w.agreement.pk},
            editors(200, 200, others=(403, 403), allowed=("adviser",)),
        ),
        (
            lambda w: {"pk": w.draft_agreement.pk},
            # The owner's leader sees his own draft agreement but may not change it.
            {
                **editors(200, 200, others=(404, 404), allowed=("adviser",)),
                "owner": (403, 403),
            },
        ),
    ],
    "documents:upload-report": [
        (
            lambda w: {"pk": w.draft_report.pk},
            # The adviser sees the draft but only the project's leaders write reports.
            {
                **editors(200, 200, others=(404, 404), allowed=("owner",)),
                "adviser": (403, 403),
            },
        ),
        (
            lambda w: {"pk": w.submitted_report.pk},
            outcomes((404, 404), adviser=(403, 403), owner=(403, 403)),
        ),
        (lambda w: {"pk": w.approved_report.pk}, outcomes((403, 403))),
    ],
    "documents:download": [
        (lambda w: {"pk": w.project_document.pk}, outcomes((200, 405))),
        (
            lambda w: {"pk": w.draft_project_document.pk},
            outcomes((404, 405), adviser=(200, 405), owner=(200, 405)),
        ),
        (
            lambda w: {"pk": w.draft_report_document.pk},
            outcomes((404, 405), adviser=(200, 405), owner=(200, 405)),
        ),
        (lambda w: {"pk": w.agreement_document.pk}, outcomes((200, 405))),
    ],
    "documents:delete": [
        (lambda w: {"pk": w.project_document.pk}, editors(200, 302, others=(403, 403))),
        (lambda w: {"pk": w.draft_project_document.pk}, editors(200, 302, others=(404, 404))),
        (
            lambda w: {"pk": w.draft_report_document.pk},
            {
                **editors(200, 302, others=(404, 404), allowed=("owner",)),
                "adviser": (403, 403),
            },
        ),
        (
            lambda w: {"pk": w.agreement_document.pk},
            editors(200, 302, others=(403, 403), allowed=("adviser",)),
        ),
    ],
    "files:budget-export": [
        (lambda w: {"pk": w.project.pk}, outcomes((200, 405))),
        (
            lambda w: {"pk": w.draft_project.pk},
            outcomes((404, 405), adviser=(200, 405), owner=(200, 405)),
        ),
    ],
    "files:budget-import": [
        (lambda w: {"pk": w.project.pk}, editors(200, 200, others=(403, 403))),
        (lambda w: {"pk": w.draft_project.pk}, editors(200, 200, others=(404, 404))),
    ],
}
