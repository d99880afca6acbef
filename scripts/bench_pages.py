"""Benchmark of the adviser's dashboard and the lists at 5 000 projects (not a test).

    scripts/with-services.sh .venv/bin/python scripts/bench_pages.py

Against the database in DATABASE_URL (a throwaway one from with-services.sh): creates the
schema, seeds the demo data and 5 000 synthetic projects (`seed_demo --projects 5000`, the
programme «syntetisk», 500 municipalities), runs ANALYZE, collects the static files into a
temporary directory, then measures each page through django.test.Client in this process, so the
whole middleware stack runs: production settings (DEBUG off, so the cached template
loader and the manifest static storage are used) with only the HTTPS redirect turned off.

The cache is the Redis server of with-services.sh (CACHE_URL, database 1), as in production.
The dashboard is measured twice: as served (from the cache, computed again after any change
of the data; ilag.cache) and «after a change», where the data version is renewed before each
request so every request computes and renders the figures from the database.

Per page: the median (and the fastest) server time of 20 requests, taken in turns with the
other pages after a warm-up; the ratio of the median to the login page's; the number of SQL
queries of one request; the size of the response. Exits with 1 when a dashboard page (the
first and the last page of the municipality table) has a median over 150 ms (served or
after a change) or a served median over 4 times the login page's, when any page uses more
than 24 queries, or when a page does not answer 200. `--show-queries` prints the
dashboard's SQL. The figures also go to .benchmarks/pages.json.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECTS = 5000
REPEAT = 20
WARMUP = 3
LOGIN = "/accounts/login/"
# The last page of the municipality table (500 municipalities, 25 a page) as well: the
# per-municipality figures must not be computed for the rows before it.
DASHBOARDS = ["/", "/?program=syntetisk", "/?program=syntetisk&side=20"]
AFTER_A_CHANGE = " (after a change)"
LISTS = [
    "/prosjekter/",
    "/prosjekter/?program=syntetisk",
    "/prosjekter/?program=syntetisk&side=200",
    "/avtaler/?program=syntetisk",
    "/milepeler/",
    "/prosjekter/statusrapporter/",
    "/kommuner/",
]
MAX_DASHBOARD_MS = 150.0
MAX_DASHBOARD_RATIO = 4.0
# The dashboard's 20, and 4 for the grants' payouts (as tests/test_query_counts.py).
MAX_QUERIES = 24


def setup_django(static_root):
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ilag.settings"
    # Production settings, except what the in-process test client needs: plain HTTP and
    # its host name. DEBUG off also turns on the cached template loader.
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["STATIC_ROOT"] = str(static_root)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://") and not os.environ.get("CACHE_URL"):
        os.environ["CACHE_URL"] = broker.rsplit("/", 1)[0] + "/1"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database (run through scripts/with-services.sh)."
        )
    if not os.environ.get("SECRET_KEY"):
        sys.exit("Set SECRET_KEY (scripts/with-services.sh sets a random one).")
    import django

    django.setup()


def prepare(projects):
    from django.core.management import call_command
    from django.db import connection

    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("seed_demo", projects=projects, stdout=devnull)
    # Fresh planner statistics, as autovacuum keeps them in production; without them the
    # plans depend on when autovacuum happened to run during the seeding.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0, stdout=devnull)


def measure(pages, repeat) -> list[dict]:
    """`pages` is a list of (client, url). The requests go round the pages in turn, so a
    change in the machine's load touches every page alike and the ratios stay fair. A url
    ending in AFTER_A_CHANGE is requested with a new data version each time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ilag.cache import bump_data_version

    def get(client, label):
        url = label.removesuffix(AFTER_A_CHANGE)
        if url != label:
            bump_data_version()
        started = time.perf_counter()
        response = client.get(url)
        return response, (time.perf_counter() - started) * 1000

    results = []
    for client, url in pages:
        for _ in range(WARMUP):
            response, _ms = get(client, url)
        results.append({"url": url, "status": response.status_code, "times": []})
    live = [(client, r) for (client, _url), r in zip(pages, results, strict=True)]
    live = [(client, r) for client, r in live if r["status"] == 200]
    for _ in range(repeat):
        for client, r in live:
            r["times"].append(get(client, r["url"])[1])
    for client, r in live:
        # Counted in a request of its own: recording the SQL costs time too.
        if r["url"].endswith(AFTER_A_CHANGE):
            bump_data_version()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(r["url"].removesuffix(AFTER_A_CHANGE))
        times = r.pop("times")
        r.update(
            median_ms=statistics.median(times),
            min_ms=min(times),
            queries=len(queries),
            kb=len(response.content) / 1024,
            sql=[q["sql"] for q in queries.captured_queries],
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument(
        "--show-queries", action="store_true", help="print the SQL of the dashboard"
    )
    args = parser.parse_args()
    static_root = Path(tempfile.mkdtemp(prefix="ilag-bench-static-"))
    try:
        setup_django(static_root)
        return run(args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(args):
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    started = time.perf_counter()
    prepare(args.projects)
    prepared = time.perf_counter() - started
    print(f"Prepared the data in {prepared:.1f} s ({args.projects} synthetic projects).")
    loaders = settings.TEMPLATES[0]["OPTIONS"].get("loaders")
    print(
        f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
        f"Python {sys.version.split()[0]}; DEBUG={settings.DEBUG}, "
        f"template loaders {'default (cached)' if loaders is None else loaders}"
    )

    anonymous = Client()
    adviser = Client()
    adviser.force_login(User.objects.get(username="radgiver"))
    adviser.get("/konto/")  # the first view after signing in saves the session
    pages = [(anonymous, LOGIN)] + [(adviser, url) for url in DASHBOARDS + LISTS]
    # After the others: renewing the data version would empty their cache as well.
    changed = [(adviser, url + AFTER_A_CHANGE) for url in DASHBOARDS]
    results = measure(pages, args.repeat) + measure(changed, args.repeat)
    login_ms = results[0].get("median_ms")

    problems = []
    print()
    print(f"Cache: {settings.CACHES['default']['BACKEND']}")
    print()
    print(f"{'Page':60} {'median ms':>10} {'min ms':>8} {'× login':>8} {'queries':>8} {'KB':>7}")
    for r in results:
        r.pop("times", None)
        if r["status"] != 200:
            problems.append(f"{r['url']}: answered {r['status']}, not 200")
            print(f"{r['url']:60} HTTP {r['status']}")
            continue
        r["ratio"] = r["median_ms"] / login_ms if login_ms else None
        print(
            f"{r['url']:60} {r['median_ms']:10.1f} {r['min_ms']:8.1f} {r['ratio']:8.1f} "
            f"{r['queries']:8d} {r['kb']:7.0f}"
        )
        if r["queries"] > MAX_QUERIES:
            problems.append(f"{r['url']}: {r['queries']} queries (at most {MAX_QUERIES})")
        if r["url"].removesuffix(AFTER_A_CHANGE) in DASHBOARDS:
            if r["median_ms"] > MAX_DASHBOARD_MS:
                problems.append(
                    f"{r['url']}: median {r['median_ms']:.0f} ms (at most {MAX_DASHBOARD_MS:g} ms)"
                )
            if r["url"] in DASHBOARDS and r["ratio"] and r["ratio"] > MAX_DASHBOARD_RATIO:
                problems.append(
                    f"{r['url']}: {r['ratio']:.1f} × the login page "
                    f"(at most {MAX_DASHBOARD_RATIO:g} ×)"
                )
    print()
    print(f"Total time {time.perf_counter() - started:.0f} s.")

    if args.show_queries:
        for r in results:
            if r["url"].removesuffix(AFTER_A_CHANGE) in DASHBOARDS and "sql" in r:
                print(f"\n-- {r['url']}: {r['queries']} queries")
                for sql in r["sql"]:
                    print(sql, end=";\n\n")

    (BASE_DIR / ".benchmarks").mkdir(exist_ok=True)
    (BASE_DIR / ".benchmarks" / "pages.json").write_text(
        json.dumps([{k: v for k, v in r.items() if k != "sql"} for r in results], indent=2) + "\n"
    )
    if problems:
        print("Targets missed:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        f"Targets met: dashboard under {MAX_DASHBOARD_MS:g} ms (served and after a change) and "
        f"served within {MAX_DASHBOARD_RATIO:g} × the login page, every page at most "
        f"{MAX_QUERIES} queries."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
