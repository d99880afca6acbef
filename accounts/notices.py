"""E-mail notices of what happens to reports, proposals and change requests: sent after
the change is committed, through the task queue, once per event and person.

Submitted → the county advisers following the programme. Approved or returned → the
one who submitted it and the project leaders of its municipalities. Each user can turn
each kind off on the account page; deadline reminders keep their own rules.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, SentNotice, User

logger = logging.getLogger(__name__)

SUBMITTED, DECIDED, REMINDER = "submitted", "decided", "reminder"

# (kind, what it is about, event): the kinds a user can turn off.
NOTICE_KINDS = [
    ("progress_report_submitted", _("Status reports"), SUBMITTED),
    ("milestone_report_submitted", _("Milestone reports"), SUBMITTED),
    ("proposal_submitted", _("Project proposals"), SUBMITTED),
    ("change_request_submitted", _("Change requests"), SUBMITTED),
    ("payment_request_submitted", _("Payment requests"), SUBMITTED),
    ("progress_report_decided", _("Status reports"), DECIDED),
    ("milestone_report_decided", _("Milestone reports"), DECIDED),
    ("proposal_decided", _("Project proposals"), DECIDED),
    ("change_request_decided", _("Change requests"), DECIDED),
    ("payment_request_decided", _("Payment requests"), DECIDED),
    ("payout_due", _("Reminders that a payout may be requested"), REMINDER),
]
KINDS = {kind for kind, _label, _event in NOTICE_KINDS}


def kinds_for(user) -> list[tuple[str, str, str]]:
    """The kinds of notice a user can get: advisers are told what is submitted, project
    leaders what is decided and when a payout may be requested."""
    events = set()
    if user.is_adviser:
        events.add(SUBMITTED)
    if user.has_role(Role.PROJECT_LEADER):
        events.update({DECIDED, REMINDER})
    return [row for row in NOTICE_KINDS if row[2] in events]


def recipients(payload: dict):
    """Who is told about the event, as the database stands when the notice is sent."""
    kind = payload["kind"]
    users = User.objects.filter(is_active=True).exclude(email="")
    if kind.endswith(SUBMITTED):
        users = users.filter(groups__name=Role.ADVISER, programmes=payload["programme_id"])
    else:
        users = users.filter(
            Q(pk=payload.get("author_id"))
            | Q(
                groups__name=Role.PROJECT_LEADER,
                municipalities__in=payload.get("municipality_ids", []),
            )
        )
    if payload.get("actor_id"):
        users = users.exclude(pk=payload["actor_id"])
    return [u for u in users.distinct().order_by("pk") if kind not in (u.muted_notices or [])]


def deliver(payload: dict) -> int:
    """Send the notice to each recipient not yet told of this event; returns how many
    were sent. A failed send is rolled back with its record, so a retry sends it."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients(payload):
            context = {
                **payload,
                "user": user,
                "url": settings.PORTAL_BASE_URL + payload["path"],
                "profile_url": settings.PORTAL_BASE_URL + reverse("accounts:profile"),
            }
            subject = " ".join(
                render_to_string("accounts/email/notice_subject.txt", context).split()
            )
            body = render_to_string("accounts/email/notice_body.txt", context)
            try:
                with transaction.atomic():
                    SentNotice.objects.create(
                        key=payload["event_key"], recipient=user, kind=payload["kind"]
                    )
                    send_mail(subject, body, None, [user.email])
            except IntegrityError:
                continue  # told already (a task run twice)
            sent += 1
    return sent
