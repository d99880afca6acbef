import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from evaluations.reminders import deadline_reminders_send


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "E-mail the deadline reminders that are due (the same as the daily Celery task)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=str, help="Send as on this day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, date=None, **options):
        today = iso_date(date) if date else timezone.localdate()
        sent = deadline_reminders_send(today=today)
        self.stdout.write(
            ngettext(
                "%(count)s reminder e-mail sent for %(date)s.",
                "%(count)s reminder e-mails sent for %(date)s.",
                sent,
            )
            % {"count": sent, "date": today.isoformat()}
        )
