from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("PDF reports")

    def ready(self):
        # Imported once the apps are loaded (the index uses the models): every historical
        # row the pages show is indexed as it is written.
        from simple_history.signals import post_create_historical_record

        from reports.history_index import on_historical_record

        post_create_historical_record.connect(
            on_historical_record, dispatch_uid="reports.history_index"
        )
