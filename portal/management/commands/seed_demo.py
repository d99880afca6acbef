from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from archive.models import ArchiveRecord
from archive.services import send_waiting, sending_held
from portal import summary
from portal.demo import DemoSeeder
from reports.history_index import indexing_deferred


class Command(BaseCommand):
    help = (
        "Create the demonstration data: the I LAG programme with its six municipalities, "
        "a current round dated from today with the committee's last two reports, "
        "Hjerteregionen, and demo users. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo", help="Password for the demo users.")
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            help="Also ensure this many synthetic projects exist (for performance work).",
        )

    def handle(self, *args, password, projects, **options):
        seeder = DemoSeeder(
            password=password,
            today=timezone.localdate(),
            stdout=self.stdout,
            render_reports=settings.DEMO_RENDER_REPORTS,
        )
        # The demo's archive records are made as the portal makes them, but not sent while
        # it loads: with a worker, those sends would race what runs next.
        with sending_held(), indexing_deferred():
            seeder.run()
            if projects:
                # One transaction: the dashboard's figures are computed once, at the end.
                with transaction.atomic():
                    added = seeder.seed_synthetic(projects)
        # The synthetic projects are written in bulk, without signals.
        summary.refresh_all()
        self.stdout.write(self.style.SUCCESS("Demo data for I LAG and Hjerteregionen is in place."))
        if projects:
            self.stdout.write(f"Synthetic projects: {added} added, {projects} in all.")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # `make run` (no worker): sent here, in this process, as the events would have.
            sent = send_waiting(ArchiveRecord.objects.all())
            self.stdout.write(f"Archive records sent: {sent}.")
