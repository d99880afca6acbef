"""Permission-matrix rows for the calendar feed and its settings page, merged into MATRIX
by test_permission_matrix.py. Same format: url name -> [(kwargs from World, outcomes)].

The feed is public (the key in the address is the access): a valid key gives 200 to
everyone, anonymous included, an unknown key 404; it takes GET only (405 for POST,
before the key is looked up). The settings page is for every signed-in user (GET only);
making and turning off the link are POST only and concern the user's own link.
"""

from accounts.calendar_tokens import calendar_token_create

# As in test_permission_matrix.py (not imported from there: that module imports this one).
ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"


def public(get, post):
    return {role: (get, post) for role in ROLES}


def every(get, post):
    return {"anonymous": (LOGIN, LOGIN), **{role: (get, post) for role in ROLES[1:]}}


ROWS = {
    "calendar:feed": [
        (lambda w: {"token": calendar_token_create(user=w.users["owner"])}, public(200, 405)),
        (lambda w: {"token": "ukjent-nokkel"}, public(404, 405)),
    ],
    "evaluations:calendar-settings": [(lambda w: {}, every(200, 405))],
    "evaluations:calendar-create": [(lambda w: {}, every(405, 302))],
    "evaluations:calendar-revoke": [(lambda w: {}, every(405, 302))],
}
