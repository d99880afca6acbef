import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from payouts.reminders import payout_reminders_send


@shared_task(
    name="payouts.tasks.payout_reminders_send",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def payout_reminders_send_task(today_iso: str | None = None) -> int:
    """Remind the leaders of the payouts they may request as of `today_iso` (default
    today); safe to run twice, since each notice is sent once per occasion."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    with transaction.atomic():
        return payout_reminders_send(today=today)
