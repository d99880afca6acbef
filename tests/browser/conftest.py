"""Headless Chromium (Debian's) driven by Playwright, against pytest-django's live server."""

import os

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the
    # tests make between browser steps are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The demo as seed_demo leaves it, table by table (PostgreSQL COPY), taken after the first
# browser test's seeding: each later test starts from a copy of it instead of seeding again
# (a few seconds each), which is the same state: the flush after each test empties every table.
_DEMO_TABLES: dict[str, bytes] = {}


def _tables(connection) -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _demo_snapshot(connection) -> dict[str, bytes]:
    raw = connection.connection
    snapshot = {}
    with raw.cursor() as cursor:
        for table in _tables(connection):
            data = bytearray()
            with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                for block in copy:
                    data += block
            snapshot[table] = bytes(data)
    return snapshot


def _demo_restore(connection, snapshot: dict[str, bytes]) -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import transaction

    tables = ", ".join(f'"{table}"' for table in snapshot)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        # Rows go back in any order: no foreign-key triggers for this transaction.
        cursor.execute("SET LOCAL session_replication_role = replica")
        raw_cursor = cursor.cursor
        for table, data in snapshot.items():
            with raw_cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                copy.write(data)
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture
def demo_data(transactional_db):
    from django.db import connection

    from ilag.cache import bump_data_version

    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    elif not _DEMO_TABLES:
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        _DEMO_TABLES.update(_demo_snapshot(connection))
    else:
        _demo_restore(connection, _DEMO_TABLES)
        bump_data_version()


def new_page(browser, base_url, **options):
    """A page of its own browser context (its own cookies) in bokmål, 1 280 px wide unless
    told, with `page.base_url` the live server's."""
    context = browser.new_context(
        locale="nb-NO", **{"viewport": {"width": 1280, "height": 900}, **options}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url
    # A click that leads to another page returns once that page has started to load; its
    # HTML may still be arriving. What a test reads of the page is the page once loaded.
    content = page.content

    def loaded_content():
        page.wait_for_load_state()
        return content()

    page.content = loaded_content
    return page


@pytest.fixture
def page(browser, live_server, demo_data):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def log_in(page, username, password="demo"):
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A and AA violations on the current page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error

    # A click that leads to another page returns once that page has started to load: axe
    # could start before its document has an element («Cannot read properties of null
    # (reading 'documentElement')»). Wait for the page to load, and should it still be
    # replaced under axe («Execution context was destroyed»), run axe again.
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            results = Axe().run(page, options=WCAG_21_AA)
            break
        except Error as error:
            navigating = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not navigating or attempt == 2:
                raise
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]
