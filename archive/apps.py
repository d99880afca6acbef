from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self):
        # The lower apps announce what must be archived (ilag/events.py); each
        # announcement becomes an outbox row in the same transaction. Imported once the
        # apps are loaded: the services use the models.
        from archive.services import archive_record_from_event
        from ilag.events import archivable

        def on_archivable(sender, *, kind, instance, **kwargs):
            archive_record_from_event(kind=kind, instance=instance)

        archivable.connect(on_archivable, dispatch_uid="archive.outbox", weak=False)
