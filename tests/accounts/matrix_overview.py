"""Permission-matrix rows for the overview pages under /milepeler/ (evaluations/
urls_overview.py), merged into MATRIX by test_permission_matrix.py. Same format: url name ->
[(kwargs from World, outcomes)].

The overview is for county advisers only (evaluations.overview.can_view_overview): everyone
else signed in gets 403 for GET and POST alike, since the check runs before the method is
looked at; the adviser reads it (200) and cannot post to it (405).
"""

# As in test_permission_matrix.py (not imported from there: that module imports this one).
ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"


def adviser_only(get, post):
    return {
        "anonymous": (LOGIN, LOGIN),
        **{role: (403, 403) for role in ROLES[1:]},
        "adviser": (get, post),
    }


ROWS = {
    "evaluations:overdue": [(lambda w: {}, adviser_only(200, 405))],
}
