"""Permission-matrix rows for the read-only JSON API (namespace «api», ilag/api.py),
merged into MATRIX by test_permission_matrix.py.

The API does its own authentication, so an anonymous request gets 401 in JSON, never a
redirect to the login page. Signed-in users read what their queryset holds (`visible_to`,
as on the portal's pages): 200, or 404 for an object outside it. POST gets 405 for every
signed-in user, before any lookup: the API is read-only. The matrix test signs in through
the session with Django's test client, which skips CSRF checks; a real browser session
posting without a CSRF token gets 403 from DRF's session authentication before that
(tests/test_api.py checks it). Token requests need no CSRF token.
"""

from evaluations.models import Milestone

ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
REFUSED = (401, 401)  # not signed in: DRF's 401 with `WWW-Authenticate: Token`


def readable(*roles):
    """GET 200 for `roles` (every signed-in role when none are named), 404 for the
    other signed-in roles; POST 405 for all of them."""
    allowed = roles or ROLES[1:]
    return {
        "anonymous": REFUSED,
        **{role: ((200 if role in allowed else 404), 405) for role in ROLES[1:]},
    }


def milestone(agreement):
    return Milestone.objects.create(
        agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT, due_date=agreement.start_date
    )


ROWS = {
    "api:api-root": [(lambda w: {}, readable())],
    "api:schema": [(lambda w: {}, readable())],
    "api:project-list": [(lambda w: {}, readable())],
    "api:project-detail": [
        (lambda w: {"pk": w.project.pk}, readable()),
        (lambda w: {"pk": w.draft_project.pk}, readable("adviser", "owner")),
    ],
    "api:agreement-list": [(lambda w: {}, readable())],
    "api:agreement-detail": [
        (lambda w: {"pk": w.agreement.pk}, readable()),
        (lambda w: {"pk": w.draft_agreement.pk}, readable("adviser", "owner")),
    ],
    "api:status-report-list": [(lambda w: {}, readable())],
    "api:status-report-detail": [
        (lambda w: {"pk": w.approved_report.pk}, readable()),
        (lambda w: {"pk": w.submitted_report.pk}, readable("adviser", "owner")),
        (lambda w: {"pk": w.draft_report.pk}, readable("adviser", "owner")),
    ],
    "api:milestone-list": [(lambda w: {}, readable())],
    "api:milestone-detail": [
        (lambda w: {"pk": milestone(w.agreement).pk}, readable()),
        (lambda w: {"pk": milestone(w.draft_agreement).pk}, readable("adviser", "owner")),
    ],
}
