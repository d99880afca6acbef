"""Index the change history already written (reports.history_index.backfill), a batch of
objects at a time; the rows written from now on are indexed as they are written."""

from django.db import migrations

from reports.history_index import backfill


def index_existing_history(apps, schema_editor):
    backfill(apps)


def drop_index(apps, schema_editor):
    apps.get_model("reports", "ChangeRecord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_change_records"),
        ("projects", "0007_change_requests"),
        ("agreements", "0008_payout_settings"),
        ("evaluations", "0006_report_order_to_reports_app"),
        ("documents", "0002_payment_request_documents"),
    ]

    operations = [migrations.RunPython(index_existing_history, drop_index)]
