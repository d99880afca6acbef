from django.core.management import call_command


def test_migrations_match_the_models(db):
    # Fails when a model changed without a migration (`makemigrations --check`).
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
