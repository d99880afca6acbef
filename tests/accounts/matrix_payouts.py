"""Permission-matrix rows for the payout pages (namespace «payouts») and the upload of a
payment request's documents, merged into MATRIX by test_permission_matrix.py.

A project's money in detail (plan, requests, payouts) is for the programme's advisers and
the project's own leaders: others who may see the project get 403 on its payouts page,
and 404 for a request or payout they cannot see. Leaders request and submit; advisers
set plans, approve, mark paid and export. Submit, review and mark-paid take POST only (405 for GET once the
request is found and the user may act on it).
"""

import datetime

from payouts.models import PaymentRequest, Payout, Tranche

ROLES = ["anonymous", "adviser", "owner", "other", "committee", "partner"]
LOGIN = "login"


def outcomes(default, **by_role):
    return {"anonymous": (LOGIN, LOGIN), **{r: by_role.get(r, default) for r in ROLES[1:]}}


def tranche(w):
    found = Tranche.objects.filter(agreement=w.agreement).first()
    if found is None:
        found = Tranche.objects.create(agreement=w.agreement, condition="signed", percent=50)
        Tranche.objects.create(agreement=w.agreement, condition="final_report", is_final=True)
    return found


def request(w, status):
    return PaymentRequest.objects.create(
        project=w.project,
        tranche=tranche(w),
        amount=1_000,
        status=status,
        created_by=w.users["owner"],
    )


def payout(w):
    return Payout.objects.create(
        project=w.project,
        request=request(w, "approved"),
        kind="payment",
        amount=1_000,
        due_date=datetime.date(2026, 12, 15),
    )


ROWS = {
    "payouts:list": [(lambda w: {}, outcomes((403, 403), adviser=(200, 405)))],
    "payouts:export": [
        (lambda w: {"fmt": "xlsx"}, outcomes((403, 403), adviser=(200, 405))),
        (lambda w: {"fmt": "csv"}, outcomes((403, 403), adviser=(200, 405))),
    ],
    "payouts:project": [
        (
            lambda w: {"pk": w.project.pk},
            outcomes((403, 403), adviser=(200, 405), owner=(200, 405)),
        ),
    ],
    "payouts:request-create": [
        (lambda w: {"pk": w.project.pk}, outcomes((403, 403), owner=(200, 200))),
        (lambda w: {"pk": w.closed_project.pk}, outcomes((403, 403))),
    ],
    "payouts:plan-programme": [
        (lambda w: {"slug": w.programme.slug}, outcomes((403, 403), adviser=(200, 200))),
    ],
    "payouts:plan-agreement": [
        (lambda w: {"pk": w.agreement.pk}, outcomes((403, 403), adviser=(200, 200))),
    ],
    "payouts:plan-project": [
        (lambda w: {"pk": w.project.pk}, outcomes((403, 403), adviser=(200, 200))),
    ],
    "payouts:request-detail": [
        (
            lambda w: {"pk": request(w, "submitted").pk},
            outcomes((404, 404), adviser=(200, 405), owner=(200, 405)),
        ),
    ],
    "payouts:request-update": [
        (
            lambda w: {"pk": request(w, "draft").pk},
            outcomes((404, 404), adviser=(403, 403), owner=(200, 200)),
        ),
        (
            lambda w: {"pk": request(w, "submitted").pk},
            outcomes((404, 404), adviser=(403, 403), owner=(403, 403)),
        ),
    ],
    "payouts:request-submit": [
        (
            lambda w: {"pk": request(w, "draft").pk},
            outcomes((404, 404), adviser=(403, 403), owner=(405, 200)),
        ),
    ],
    "payouts:request-review": [
        (
            lambda w: {"pk": request(w, "submitted").pk},
            outcomes((404, 404), adviser=(405, 200), owner=(403, 403)),
        ),
        (
            lambda w: {"pk": request(w, "approved").pk},
            outcomes((404, 404), adviser=(403, 403), owner=(403, 403)),
        ),
    ],
    "payouts:mark-paid": [
        (
            lambda w: {"pk": payout(w).pk},
            outcomes((405, 404), adviser=(405, 200), owner=(405, 403)),
        ),
    ],
    "documents:upload-payment-request": [
        (
            lambda w: {"pk": request(w, "draft").pk},
            outcomes((404, 404), adviser=(403, 403), owner=(200, 200)),
        ),
    ],
}
