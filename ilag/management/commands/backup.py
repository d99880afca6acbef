from django.core.management.base import BaseCommand, CommandError

from ilag.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file (documents, budget sheets, PDF reports; "
        "local disk or S3) into a new folder, with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A new or empty folder for the backup.")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
                f"{len(manifest['files'])} files to {folder}."
            )
        )
