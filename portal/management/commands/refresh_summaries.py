from django.core.management.base import BaseCommand

from portal import summary


class Command(BaseCommand):
    help = (
        "Compute every programme's dashboard figures again from the tables (after a bulk "
        "load, a restore or a deployment that changes how they are computed)."
    )

    def handle(self, *args, **options):
        summary.refresh_all()
        self.stdout.write("Dashboard figures computed again for every programme.")
