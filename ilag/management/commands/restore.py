from django.core.management.base import BaseCommand, CommandError

from ilag.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database and the configured "
        "storages, then check every file's checksum and every table's row count."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup's folder.")

    def handle(self, *args, folder, **options):
        try:
            manifest = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest['tables'])} tables and {len(manifest['files'])} files; "
                "every checksum and row count matches the backup."
            )
        )
