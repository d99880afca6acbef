"""Render a PDF status report synchronously, with all data (no user's scope):

manage.py status_report project 12 --output prosjekt.pdf
manage.py status_report municipality 5041 --programme i-lag --output snasa.pdf
manage.py status_report programme i-lag --output i-lag.pdf
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.models import Programme
from ilag.validators import only_digits
from municipalities.models import Municipality
from projects.models import Project
from reports.models import ReportOrder
from reports.reporting import ReportNotAvailable, ReportSubject, render_report


class Command(BaseCommand):
    help = "Render a PDF status report (project, municipality or programme) to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportOrder.Kind.values)
        parser.add_argument(
            "subject",
            help="The project's id, the municipality number or the programme's slug.",
        )
        parser.add_argument(
            "--programme",
            help="For a municipality report: the programme's slug (needed when the "
            "municipality takes part in more than one).",
        )
        parser.add_argument("--output", "-o", required=True, type=Path, help="The PDF file.")

    def handle(self, *args, kind, subject, programme, output, **options):
        report_subject = self.subject(kind, subject, programme)
        started = time.perf_counter()
        try:
            rendered, cutoff = render_report(report_subject)
        except ReportNotAvailable as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        output.write_bytes(rendered.content)
        self.stdout.write(
            f"{output}: {rendered.pages} pages, {len(rendered.content)} bytes, "
            f"{seconds:.2f} s (data as of {cutoff:%Y-%m-%d %H:%M:%S %Z})"
        )

    def subject(self, kind, subject, programme_slug) -> ReportSubject:
        if kind == ReportOrder.Kind.PROJECT:
            if not only_digits(subject):
                raise CommandError(f"A project is given by its id (a number), not {subject!r}.")
            project = (
                Project.objects.select_related("agreement__programme")
                .filter(pk=int(subject))
                .first()
            )
            if project is None:
                raise CommandError(f"No project with id {subject}.")
            return ReportSubject(kind, project.agreement.programme, project=project)
        if kind == ReportOrder.Kind.MUNICIPALITY:
            municipality = Municipality.objects.filter(number=subject).first()
            if municipality is None:
                raise CommandError(f"No municipality with number {subject}.")
            programmes = Programme.objects.filter(agreements__municipalities=municipality)
            if programme_slug:
                programmes = programmes.filter(slug=programme_slug)
            programmes = list(programmes.distinct())
            if not programmes:
                raise CommandError(
                    f"{municipality} has no agreement"
                    + (f" in the programme {programme_slug!r}." if programme_slug else ".")
                )
            if len(programmes) > 1:
                slugs = ", ".join(p.slug for p in programmes)
                raise CommandError(
                    f"{municipality} takes part in several programmes; choose one with "
                    f"--programme ({slugs})."
                )
            return ReportSubject(kind, programmes[0], municipality=municipality)
        programme = Programme.objects.filter(slug=subject).first()
        if programme is None:
            raise CommandError(f"No programme with the slug {subject!r}.")
        return ReportSubject(kind, programme)
