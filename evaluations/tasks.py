import datetime

from celery import shared_task
from django.utils import timezone

from evaluations.reminders import deadline_reminders_send


@shared_task(
    name="evaluations.tasks.deadline_reminders_send",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def deadline_reminders_send_task(today_iso: str | None = None) -> int:
    """Send the deadline reminders due on `today_iso` (default today); safe to run twice,
    since each e-mail is recorded once per occasion."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return deadline_reminders_send(today=today)
