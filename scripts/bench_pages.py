"""Benchmark of every kind of page at 5 000 projects (not a test).

    scripts/with-services.sh .venv/bin/python scripts/bench_pages.py

Against the database in DATABASE_URL (a throwaway one from with-services.sh): creates the
schema, seeds the demo data and 5 000 synthetic projects (`seed_demo --projects 5000`, the
programme «syntetisk», 500 municipalities), runs VACUUM ANALYZE, collects the static files into a
temporary directory, then measures each page through django.test.Client in this process, so the
whole middleware stack runs: production settings (DEBUG off, so the cached template
loader and the manifest static storage are used) with only the HTTPS redirect turned off.

The cache is the Redis server of with-services.sh (CACHE_URL, database 1), as in production.
Every page is measured twice: as served (the dashboard, the lists and the detail pages are
kept in the cache per data version, computed again after any change of the data;
ilag.cache, ilag.views.ReadOnlyPageMixin), and «after a change», where the data version is
renewed before each request so every request computes and renders the page from the
database. The pages that are not kept (change requests, report orders, committee matters,
users) are the same in both. The dashboard's figures are kept up to date by the changes
themselves (portal.summary: a change computes its programme's figures again when it
commits), so after a change the dashboard reads them in one query; what that costs the
change is measured last (a budget line of the synthetic programme saved), and printed.

The detail pages are measured at their largest: the synthetic programme has 500
agreements, and one of its projects is grown to 2 000 history entries, 200 documents and
60 approved status reports with costs (beside it, a project of the same programme as
seeded, for comparison). The milestone report, payment request, change request and report
order pages are the demo's (the synthetic programme has none), and «Mine prosjekter» is
measured as a project leader of the grown project's municipality (10 projects).

Per page: the median server time of 20 requests as served and as computed after a change
(with the fastest of those), taken in turns with the other pages after a warm-up; their
ratios to the login page's median; the number of SQL queries of one request computed after a
change; the size of the response. Exits with 1 when a target is missed: a dashboard page (the
first and the last page of the municipality table) with a median over 150 ms (served or
after a change), served over 4 × the login page or computed afresh over 8 ×; a list served
over 5 ×; a detail page served over 10 × or computed in over 15 queries; any page over 24
queries, or a page that does not answer 200. `--show-queries URL` prints that page's SQL as
computed. The figures also go to .benchmarks/pages.json.
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
    "/arkiv/",
    "/program/",
    "/utbetalinger/",
    "/milepeler/forfalte/",
    "/rapporter/",
    "/rapporter/utvalg/",
    "/brukere/",
]
# Measured signed in as a project leader of the grown project's municipality (10 projects).
LEADER_LISTS = ["/prosjekter/mine/"]
LEADER = "leder.syntetisk"
MAX_DASHBOARD_MS = 150.0
MAX_DASHBOARD_RATIO = 4.0
MAX_COMPUTED_DASHBOARD_RATIO = 8.0
MAX_LIST_RATIO = 5.0
MAX_DETAIL_RATIO = 10.0
# The dashboard's 20, and 4 for the grants' payouts (as tests/test_query_counts.py).
MAX_QUERIES = 24
MAX_DETAIL_QUERIES = 15
# The large project: what years of use leave on one project.
LARGE_HISTORY = 2000
LARGE_DOCUMENTS = 200
LARGE_REPORTS = 60


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
    settle(connection)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=devnull)


def settle(connection) -> None:
    """Fresh planner statistics and visibility maps, as autovacuum keeps them in
    production: without them the plans depend on when autovacuum happened to run during
    the seeding, and autovacuum would otherwise run during the measurements."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def grow_project(project) -> None:
    """Years of use on one project: LARGE_HISTORY changes, LARGE_DOCUMENTS documents and
    LARGE_REPORTS approved status reports with costs, with their history as the portal
    writes it (row by row or with simple_history's bulk helpers)."""
    import datetime

    from django.db import transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from accounts.models import User
    from documents.models import Document
    from ilag.cache import bump_data_version
    from portal import summary
    from projects.models import ProgressReport, ReportCost
    from reports.history_index import index_history

    adviser = User.objects.get(username="radgiver")
    categories = list(project.agreement.programme.cost_categories.all()[:3])
    reports = []
    start = project.start_date
    for n in range(LARGE_REPORTS):
        period_start = start + datetime.timedelta(days=12 * n)
        reports.append(
            ProgressReport(
                project=project,
                period_start=period_start,
                period_end=period_start + datetime.timedelta(days=11),
                status=ProgressReport.Status.APPROVED,
                traffic_light=ProgressReport.TrafficLight.GREEN,
                percent_complete=min(100, n * 100 // LARGE_REPORTS),
                achieved=f"Arbeidet i periode {n + 1} gikk etter planen.",
                submitted_at=timezone.now(),
                reviewed_at=timezone.now(),
            )
        )
    reports = bulk_create_with_history(reports, ProgressReport, batch_size=500)
    index_history(ProgressReport, reports)  # bulk writes send no signals
    costs = [
        ReportCost(report=report, category=category, amount=10_000 * (n + 1))
        for n, report in enumerate(reports)
        for category in categories
    ]
    index_history(ReportCost, bulk_create_with_history(costs, ReportCost, batch_size=1000))
    documents = [
        Document(
            project=project,
            title=f"Vedlegg {n + 1:03d}",
            file=f"dokumenter/bench/vedlegg-{n + 1:03d}.pdf",
            original_name=f"vedlegg-{n + 1:03d}.pdf",
            content_type="application/pdf",
            size=12_345,
            uploaded_by=adviser,
        )
        for n in range(LARGE_DOCUMENTS)
    ]
    index_history(Document, bulk_create_with_history(documents, Document, batch_size=500))
    # The project's own history: one change after another, as people make them (in one
    # transaction, so that the dashboard's figures are computed once, at the end).
    left = LARGE_HISTORY - project.history.count()
    with transaction.atomic():
        for n in range(max(0, left - len(reports) - len(costs) - len(documents))):
            project.description = f"Oppdiktet prosjekt for ytelsesmålinger, versjon {n + 2}."
            project.save(update_fields=["description"])
    bump_data_version()
    # The bulk writes above send no signals: the programme's figures computed again.
    summary.refresh([project.agreement.programme_id])


def synthetic_projects():
    from projects.models import Project

    return Project.objects.filter(agreement__programme__slug="syntetisk").order_by("pk")


def grown_project():
    """The synthetic programme's first project, the one grow_project grows."""
    return synthetic_projects().first()


def detail_pages() -> list[str]:
    from agreements.models import Programme
    from evaluations.models import Milestone, MilestoneReport
    from payouts.models import PaymentRequest
    from projects.models import ChangeRequest
    from reports.models import ReportOrder

    programme = Programme.objects.get(slug="syntetisk")
    large, plain = grown_project(), synthetic_projects().last()
    if not large.progress_reports.exists():
        grow_project(large)
    report = large.progress_reports.order_by("-period_end").first()
    milestone = Milestone.objects.filter(agreement__isnull=False).order_by("pk").first()
    municipality = large.municipalities.first()
    return [
        programme.get_absolute_url(),
        programme.get_absolute_url() + "?side=10",
        large.agreement.get_absolute_url(),
        municipality.get_absolute_url(),
        plain.get_absolute_url(),
        large.get_absolute_url(),
        report.get_absolute_url(),
        milestone.get_absolute_url(),
        f"/utbetalinger/prosjekt/{large.pk}/",
        # The archive's close-out check: every record the programme must have archived.
        f"/arkiv/program/{programme.slug}/",
        # The demo's (the synthetic programme has none): each the one with most documents.
        most_documents(MilestoneReport).get_absolute_url(),
        most_documents(PaymentRequest).get_absolute_url(),
        ChangeRequest.objects.order_by("pk").first().get_absolute_url(),
        ReportOrder.objects.order_by("-pk").first().get_absolute_url(),
    ]


def most_documents(model):
    from django.db.models import Count

    return model.objects.annotate(n=Count("documents")).order_by("-n", "pk").first()


def leader_of(project):
    """A project leader of `project`'s municipality (made once), for «Mine prosjekter»."""
    from accounts.models import Role, User, role_group

    user, _ = User.objects.get_or_create(
        username=LEADER, defaults={"first_name": "Leder", "last_name": "Syntetisk"}
    )
    user.groups.add(role_group(Role.PROJECT_LEADER))
    user.municipalities.add(project.municipalities.first())
    return user


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
    # The counts are of the page alone: no view in them slides the session's idle
    # timeout (a write once a minute, which a long run would otherwise meet at random).
    from accounts import middleware

    middleware.refresh_interval = lambda: 24 * 60 * 60
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


def measure_keeping(repeat) -> tuple[float, float]:
    """The cost of keeping the dashboard's figures (portal.summary), paid by the change:
    the median time of saving one budget line of a synthetic project in a transaction of
    its own (which computes the programme's summary again when it commits), and of the
    computation alone."""
    from django.db import transaction

    from agreements.models import Programme
    from portal import summary
    from projects.models import BudgetLine

    programme = Programme.objects.get(slug="syntetisk")
    line = BudgetLine.objects.filter(project__agreement__programme=programme).first()
    saves, computations = [], []
    for i in range(max(3, repeat // 2)):
        line.amount += 1 if i % 2 == 0 else -1
        start = time.perf_counter()
        with transaction.atomic():
            line.save()
        saves.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        summary.compute(programme)
        computations.append((time.perf_counter() - start) * 1000)
    return statistics.median(saves), statistics.median(computations)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--show-queries", metavar="URL", help="print the SQL of this page")
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
    details = detail_pages()
    print(f"Grown: the project {details[5]} (history, documents, status reports).")
    leader = Client()
    leader.force_login(leader_of(grown_project()))
    leader.get("/konto/")
    from django.db import connection

    settle(connection)  # after the grown project's rows
    pages = (
        [(anonymous, LOGIN)]
        + [(adviser, url) for url in DASHBOARDS + LISTS + details]
        + [(leader, url) for url in LEADER_LISTS]
    )
    # After the others: renewing the data version would empty their cache as well.
    changed = [(client, url + AFTER_A_CHANGE) for client, url in pages if url != LOGIN]
    served = measure(pages, args.repeat)
    computed = {r["url"].removesuffix(AFTER_A_CHANGE): r for r in measure(changed, args.repeat)}
    login_ms = served[0].get("median_ms")
    results = []
    for r in served:
        results.append(r)
        if r["url"] in computed:
            results.append(computed[r["url"]])

    problems = []
    print()
    print(f"Cache: {settings.CACHES['default']['BACKEND']}")
    print()
    print(
        f"{'Page':50} {'served ms':>10} {'× login':>8} {'computed ms':>12} {'min ms':>7} "
        f"{'× login':>8} {'queries':>8} {'KB':>5}"
    )
    for r in served:
        url = r["url"]
        c = computed.get(url, r)
        if r["status"] != 200 or c["status"] != 200:
            problems.append(f"{url}: answered {r['status']}/{c['status']}, not 200")
            print(f"{url:50} HTTP {r['status']}/{c['status']}")
            continue
        r["ratio"] = r["median_ms"] / login_ms if login_ms else None
        c["ratio"] = c["median_ms"] / login_ms if login_ms else None
        print(
            f"{url:50} {r['median_ms']:10.1f} {r['ratio']:8.1f} {c['median_ms']:12.1f} "
            f"{c['min_ms']:7.1f} {c['ratio']:8.1f} {c['queries']:8d} {c['kb']:5.0f}"
        )
        if c["queries"] > MAX_QUERIES:
            problems.append(f"{url}: {c['queries']} queries (at most {MAX_QUERIES})")
        limit = None
        if url in LISTS + LEADER_LISTS:
            limit = MAX_LIST_RATIO
        elif url in details:
            limit = MAX_DETAIL_RATIO
            if c["queries"] > MAX_DETAIL_QUERIES:
                problems.append(
                    f"{url}: {c['queries']} queries (a detail page: at most {MAX_DETAIL_QUERIES})"
                )
        elif url in DASHBOARDS:
            limit = MAX_DASHBOARD_RATIO
            if c["ratio"] > MAX_COMPUTED_DASHBOARD_RATIO:
                problems.append(
                    f"{url}: computed afresh in {c['ratio']:.1f} × the login page "
                    f"(at most {MAX_COMPUTED_DASHBOARD_RATIO:g} ×)"
                )
            for kind, m in (("served", r), ("computed afresh", c)):
                if m["median_ms"] > MAX_DASHBOARD_MS:
                    problems.append(
                        f"{url}: {kind} in {m['median_ms']:.0f} ms (at most {MAX_DASHBOARD_MS:g} ms)"
                    )
        if limit and r["ratio"] and r["ratio"] > limit:
            problems.append(
                f"{url}: served in {r['ratio']:.1f} × the login page (at most {limit:g} ×)"
            )
    print()
    saved, kept = measure_keeping(args.repeat)
    print(
        f"A change in the programme of {args.projects} projects (a budget line saved): "
        f"{saved:.0f} ms with its dashboard figures computed again when it commits "
        f"(the computation alone {kept:.0f} ms); not a target."
    )
    print(f"Total time {time.perf_counter() - started:.0f} s.")

    if args.show_queries:
        for r in results:
            if r["url"] == args.show_queries + AFTER_A_CHANGE and "sql" in r:
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
        f"Targets met: dashboard under {MAX_DASHBOARD_MS:g} ms (served and after a change), "
        f"served within {MAX_DASHBOARD_RATIO:g} × the login page and computed within "
        f"{MAX_COMPUTED_DASHBOARD_RATIO:g} ×, lists served within {MAX_LIST_RATIO:g} ×, detail "
        f"pages served within {MAX_DETAIL_RATIO:g} × and computed in at most "
        f"{MAX_DETAIL_QUERIES} queries, every page at most {MAX_QUERIES} queries."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
