"""Benchmark of the PDF programme reports (not a test).

    scripts/with-services.sh .venv/bin/python scripts/bench_reports.py

Against the database in DATABASE_URL (a throwaway one from with-services.sh): creates the
schema, seeds the demo data and 500 synthetic projects (`seed_demo --projects 500`, the
programme «syntetisk»), gives every project an approved status report with costs, then
renders the I LAG programme report and the synthetic one. Each is measured in a fresh
process: seconds and pages of a plain run, then the peak resident memory of that process
(getrusage) and the peak of Python allocations (tracemalloc) in a second run.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECTS = 500
TARGETS = {"i-lag": (3.0, None), "syntetisk": (60.0, 1024)}  # seconds, MB


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilag.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database (run through scripts/with-services.sh)."
        )
    import django

    django.setup()


def prepare():
    """Schema, demo data, synthetic projects and one approved report per project."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", projects=PROJECTS, stdout=open(os.devnull, "w"))
    approve_all("syntetisk")


def approve_all(slug):
    from django.utils import timezone

    from projects.models import IndicatorValue, ProgressReport, Project, ReportCost

    projects = list(
        Project.objects.filter(agreement__programme__slug=slug, progress_reports__isnull=True)
        .prefetch_related("budget_lines", "indicators")
        .order_by("pk")
    )
    rng = random.Random(slug)
    now = timezone.now()
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            project=project,
            period_start=project.start_date,
            period_end=project.start_date.replace(month=12, day=31),
            status=ProgressReport.Status.APPROVED,
            traffic_light=rng.choices(["green", "yellow", "red"], weights=[6, 3, 1])[0],
            traffic_light_reason="Framdriften følger i hovedsak planen for året.",
            percent_complete=rng.randrange(20, 80, 5),
            achieved="Arbeidsgruppen er etablert, og de første tiltakene er gjennomført.",
            submitted_at=now,
            reviewed_at=now,
        )
        for project in projects
    )
    costs, values = [], []
    for project, report in zip(projects, reports, strict=True):
        budget = {}
        for line in project.budget_lines.all():
            budget[line.category_id] = budget.get(line.category_id, 0) + line.amount
        for category_id, amount in budget.items():
            costs.append(
                ReportCost(
                    report=report,
                    category_id=category_id,
                    amount=amount * rng.randrange(20, 90) // 100 // 1000 * 1000,
                )
            )
        for indicator in project.indicators.all():
            values.append(
                IndicatorValue(report=report, indicator=indicator, value=indicator.target / 2)
            )
    ReportCost.objects.bulk_create(costs, batch_size=1000)
    IndicatorValue.objects.bulk_create(values, batch_size=1000)


def measure(slug) -> dict:
    """Render the programme report twice in this process: timed, then traced."""
    from agreements.models import Programme
    from reports.models import ReportOrder
    from reports.reporting import ReportSubject, render_report

    subject = ReportSubject(ReportOrder.Kind.PROGRAMME, Programme.objects.get(slug=slug))
    started = time.perf_counter()
    rendered, _cutoff = render_report(subject)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    render_report(subject)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    (BASE_DIR / ".benchmarks").mkdir(exist_ok=True)
    (BASE_DIR / ".benchmarks" / f"{slug}.pdf").write_bytes(rendered.content)
    return {
        "programme": slug,
        "seconds": round(seconds, 2),
        "pages": rendered.pages,
        "bytes": len(rendered.content),
        "peak_rss_mb": round(rss_mb),
        "peak_python_mb": round(traced_peak / 1024 / 1024),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    started = time.perf_counter()
    prepare()
    print(
        f"Prepared the data in {time.perf_counter() - started:.1f} s ({PROJECTS} synthetic projects)."
    )
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    failed = False
    for slug, (max_seconds, max_mb) in TARGETS.items():
        output = subprocess.run(
            [sys.executable, __file__, "--measure", slug],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        ok = result["seconds"] < max_seconds and (max_mb is None or result["peak_rss_mb"] < max_mb)
        failed |= not ok
        print(
            f"{slug:10} {result['seconds']:6.2f} s  {result['pages']:4d} pages  "
            f"{result['bytes'] / 1024:7.0f} KiB  peak RSS {result['peak_rss_mb']} MB  "
            f"peak Python allocations {result['peak_python_mb']} MB  "
            f"(target < {max_seconds:g} s{f', < {max_mb} MB' if max_mb else ''}: "
            f"{'met' if ok else 'MISSED'})"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
