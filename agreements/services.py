"""Changes to a signed agreement: an addendum (tilleggsavtale) and a termination. Both
are kept in the agreement's history, with their reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementAddendum
from ilag import events
from ilag.events import archivable_event
from ilag.formats import dato

CHANGEABLE = (Agreement.Status.SIGNED, Agreement.Status.ACTIVE)
# simple-history keeps a change's reason in 100 characters.
REASON_LENGTH = 100


def _signed(agreement: Agreement, action: str) -> Agreement:
    row = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if row.status not in CHANGEABLE:
        raise ValidationError(
            _("The agreement is «%(status)s»; only a signed or active agreement can be %(action)s.")
            % {"status": row.get_status_display(), "action": action},
            code="not_signed",
        )
    return row


def _reason(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(REASON_LENGTH)


@transaction.atomic
def agreement_amend(
    *, agreement: Agreement, signed_on, reason: str, new_county_frame, new_end_date, document, user
) -> AgreementAddendum:
    """Record an addendum and apply its new frame or end date under the programme's
    rules (ValidationError keyed by field; nothing stored on error)."""
    row = _signed(agreement, _("changed by an addendum"))
    if new_county_frame is None and new_end_date is None:
        raise ValidationError({"new_county_frame": _("Give a new frame, a new end date, or both.")})
    if new_county_frame is not None:
        row.county_frame = new_county_frame
    if new_end_date is not None:
        row.end_date = new_end_date
    try:
        row.full_clean(exclude=["municipalities", "other_parties", "focus_areas"])
    except ValidationError as error:
        fields = {"county_frame": "new_county_frame", "end_date": "new_end_date"}
        raise ValidationError(
            {fields.get(key, key): value for key, value in error.message_dict.items()}
        ) from None
    addendum = AgreementAddendum(
        agreement=row,
        signed_on=signed_on,
        reason=reason.strip(),
        new_county_frame=new_county_frame,
        new_end_date=new_end_date,
        created_by=user,
    )
    addendum.full_clean(exclude=["document"])
    addendum.document.save(document.name, document, save=False)
    try:
        addendum._history_user = user
        addendum.save()
        row._history_user = user
        row._change_reason = _reason(
            _("Addendum of %(date)s: %(reason)s") % {"date": dato(signed_on), "reason": reason}
        )
        row.save()
    except Exception:
        addendum.document.delete(save=False)
        raise
    archivable_event(events.ADDENDUM_SIGNED, addendum)
    return addendum


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, terminated_on, reason: str, user) -> Agreement:
    """End a signed agreement before its time, with the reason (kept in the history)."""
    row = _signed(agreement, _("terminated"))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the agreement is terminated.")})
    if not row.start_date <= terminated_on <= row.end_date:
        raise ValidationError(
            {
                "terminated_on": _(
                    "A termination falls within the agreement's period (%(start)s–%(end)s); "
                    "an agreement that has run its time is not terminated."
                )
                % {"start": dato(row.start_date), "end": dato(row.end_date)}
            }
        )
    row.status = Agreement.Status.TERMINATED
    row.terminated_on = terminated_on
    row.termination_reason = reason.strip()
    row._history_user = user
    row._change_reason = _reason(_("Terminated: %(reason)s") % {"reason": reason})
    row.save()
    return row
