"""The dashboard's figures kept up to date (portal.summary): after every kind of change
that feeds them, the kept figures are those computed from the tables; a summary with a
change not yet in it, or whose computation failed,
summary is never read; the dashboard shows what is kept."""

import datetime
import threading
import time

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agreements.models import Agreement
from evaluations.models import Milestone, MilestoneReport
from ilag.formats import kr
from portal import dashboard, summary
from portal.models import ProgrammeChange, ProgrammeSummary
from projects.models import ChangeRequest, ProgressReport, ProjectShare, ReportCost
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProjectFactory,
    following,
)

pytestmark = pytest.mark.django_db


def test_every_model_of_the_apps_below_is_known_to_feed_the_figures_or_not():
    known = set(summary.FEEDS) | summary.FEEDS_EVERY_PROGRAMME | summary.NOT_FEEDING
    models = {
        model._meta.label
        for app in summary.WATCHED_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert models - known == set()
    assert known - models == set()


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A programme with a joint project of two municipalities (60/40), budget, funding
    and an approved status report with costs; its summary computed."""
    with django_capture_on_commit_callbacks(execute=True):
        snasa, lierne = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Lierne")
        agreement = AgreementFactory(county_frame=2_000_000)
        agreement.municipalities.set([snasa, lierne])
        project = ProjectFactory(agreement=agreement, status="active", lead_municipality=snasa)
        project.municipalities.set([snasa, lierne])
        ProjectShare.objects.create(project=project, municipality=snasa, percent=60)
        ProjectShare.objects.create(project=project, municipality=lierne, percent=40)
        category = CostCategoryFactory(programme=agreement.programme)
        BudgetLineFactory(project=project, category=category, amount=500_001)
        FundingLineFactory(project=project, source=agreement.programme.owner, amount=300_000)
        report = report_with_costs(project, category, 120_000, light="yellow", status="approved")
    programme = agreement.programme
    assert not ProgrammeChange.objects.filter(programme=programme).exists()
    return programme, agreement, project, category, report


def report_with_costs(project, category, amount, *, light, status):
    """A status report of the project's first or second half of 2026 with its costs."""
    first_half = not project.progress_reports.exists()
    report = ProgressReport.objects.create(
        project=project,
        period_start=datetime.date(2026, 1 if first_half else 7, 1),
        period_end=datetime.date(2026, 6, 30) if first_half else datetime.date(2026, 9, 30),
        traffic_light=light,
        status=status,
    )
    ReportCost.objects.create(report=report, category=category, amount=amount)
    return report


def kept(programme):
    assert not ProgrammeChange.objects.filter(programme=programme).exists()
    return ProgrammeSummary.objects.get(programme=programme).figures


def budget_line_added(world):
    _programme, _agreement, project, category, _report = world
    BudgetLineFactory(project=project, category=category, year=2025, amount=99_999)


def budget_line_changed(world):
    line = world[2].budget_lines.get()
    line.amount = 400_000
    line.save()


def budget_line_deleted(world):
    world[2].budget_lines.get().delete()


def funding_added(world):
    project = world[2]
    FundingLineFactory(
        project=project, source=None, source_municipality=project.lead_municipality, amount=50_000
    )


def share_changed(world):
    ProjectShare.objects.filter(project=world[2]).delete()  # equal shares from now on


def municipality_added_to_the_project(world):
    world[2].municipalities.add(MunicipalityFactory(name="Grong"))


def project_added_to_a_municipality(world):
    MunicipalityFactory(name="Namsskogan").projects.add(world[2])


def report_approved_with_costs(world):
    _programme, _agreement, project, category, _report = world
    report = report_with_costs(project, category, 250_000, light="red", status="submitted")
    report.status = "approved"
    report.save()


def report_cost_changed(world):
    cost = world[4].costs.get()
    cost.amount = 130_000
    cost.save()


def report_submitted(world):
    ProgressReport.objects.create(
        project=world[2],
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30),
        traffic_light="green",
        status="submitted",
        submitted_at=timezone.now(),
    )


def milestone_planned(world):
    MilestoneFactory(
        programme=None, agreement=world[1], due_date=timezone.localdate() + datetime.timedelta(9)
    )


def milestone_report_submitted(world):
    milestone = MilestoneFactory(programme=None, agreement=world[1], due_date=timezone.localdate())
    MilestoneReport.objects.create(milestone=milestone, status="submitted")


def change_request_submitted(world):
    ChangeRequest.objects.create(
        project=world[2],
        status="submitted",
        reason="Ny dato",
        proposed={},
        base_version=world[2].version,
        submitted_at=timezone.now(),
    )


def frame_changed(world):
    agreement = world[1]
    agreement.county_frame = 2_500_000
    agreement.save()


def party_added(world):
    world[1].municipalities.add(MunicipalityFactory(name="Røyrvik"))


def municipality_renamed(world):
    municipality = world[2].lead_municipality
    municipality.name = "Snåase"
    municipality.save()


def source_renamed(world):
    owner = world[0].owner
    owner.name = "Trøndelag fylkeskommune, regionalavdelingen"
    owner.save()


def project_deleted(world):
    world[2].delete()


CHANGES = [
    budget_line_added,
    budget_line_changed,
    budget_line_deleted,
    funding_added,
    share_changed,
    municipality_added_to_the_project,
    project_added_to_a_municipality,
    report_approved_with_costs,
    report_cost_changed,
    report_submitted,
    milestone_planned,
    milestone_report_submitted,
    change_request_submitted,
    frame_changed,
    party_added,
    municipality_renamed,
    source_renamed,
    project_deleted,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_the_kept_figures_follow_every_kind_of_change(
    world, change, django_capture_on_commit_callbacks
):
    programme = world[0]
    before = kept(programme)
    assert before == summary.compute(programme)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            change(world)
        # Noted in the change's transaction, before it commits.
        assert ProgrammeChange.objects.filter(programme=programme).exists()
    after = kept(programme)
    assert after == summary.compute(programme)
    assert after != before  # each change moves the figures


def test_a_project_moved_to_another_programme_leaves_the_first_one(
    world, django_capture_on_commit_callbacks
):
    programme, _agreement, project, _category, _report = world
    with django_capture_on_commit_callbacks(execute=True):
        other = AgreementFactory()
    assert kept(programme)["projects"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        project.agreement = other
        project.save()
    assert kept(programme)["projects"] == 0
    assert kept(programme) == summary.compute(programme)
    assert kept(other.programme)["projects"] == 1


def test_the_figures_add_up(world):
    figures = kept(world[0])
    rows = figures["rows"]
    assert [row["name"] for row in rows] == ["Lierne", "Snåsa"]
    assert {row["name"]: row["budget"] for row in rows} == {"Snåsa": 300_001, "Lierne": 200_000}
    assert sum(row["budget"] for row in rows) == figures["budget"] == 500_001
    assert sum(row["incurred"] for row in rows) == figures["incurred"] == 120_000
    assert figures["lights"] == {"green": 0, "yellow": 1, "red": 0}
    assert figures["frame"] == 2_000_000


def test_the_dashboard_shows_the_kept_figures(world, client, django_capture_on_commit_callbacks):
    programme = world[0]
    row = ProgrammeSummary.objects.get(programme=programme)
    # What is kept is what is shown: a figure no table has.
    row.figures["budget"] = 987_654_321
    row.save()
    client.force_login(following(programme))
    page = client.get("/", {"program": programme.slug}).content.decode()
    assert kr(987_654_321) in page
    # A change computes them again, and the page shows the tables' figures.
    with django_capture_on_commit_callbacks(execute=True):
        budget_line_changed(world)
    page = client.get("/", {"program": programme.slug}).content.decode()
    assert kr(987_654_321) not in page
    assert kr(400_000) in page
    assert kept(programme)["budget"] == 400_000


def test_a_summary_with_a_change_not_in_it_is_not_read(world):
    programme = world[0]
    ProgrammeSummary.objects.filter(programme=programme).update(
        figures={**kept(programme), "budget": 1}
    )
    assert summary.figures_for(programme)["budget"] == 1
    summary.mark_changed([programme.pk])  # the commit that would compute it never comes
    assert summary.figures_for(programme) == summary.compute(programme)
    assert summary.figures_for(programme)["budget"] == 500_001


def test_a_summary_of_another_shape_is_not_read(world):
    programme = world[0]
    ProgrammeSummary.objects.filter(programme=programme).update(
        figures={**kept(programme), "format": summary.FORMAT - 1, "budget": 1}
    )
    assert summary.figures_for(programme)["budget"] == 500_001


def test_a_failed_computation_leaves_the_change_noted_and_saved(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    programme = world[0]
    compute = summary.compute

    def failing(programme):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(summary, "compute", failing)
    with django_capture_on_commit_callbacks(execute=True):
        budget_line_changed(world)
    monkeypatch.setattr(summary, "compute", compute)
    assert world[2].budget_lines.get().amount == 400_000
    assert ProgrammeChange.objects.filter(programme=programme).exists()
    assert summary.figures_for(programme)["budget"] == 400_000
    # The next change, or refresh_summaries, computes it again.
    summary.refresh_all()
    assert kept(programme)["budget"] == 400_000


def test_refresh_all_computes_a_programme_without_a_summary(db):
    agreement = AgreementFactory()
    ProgrammeSummary.objects.all().delete()
    summary.refresh_all()
    assert kept(agreement.programme) == summary.compute(agreement.programme)


def test_the_page_computes_the_next_milestone_and_overdue_ones_on_the_day_shown(world):
    programme, agreement, _project, _category, _report = world
    today = timezone.localdate()
    MilestoneFactory(
        programme=None, agreement=agreement, due_date=today - datetime.timedelta(days=1)
    )
    MilestoneFactory(
        programme=None, agreement=agreement, due_date=today + datetime.timedelta(days=3)
    )
    figures = summary.compute(programme)
    snasa = next(row for row in figures["rows"] if row["name"] == "Snåsa")
    shown = dashboard.milestone_figures(snasa["milestones"], today)
    assert shown["overdue"] == 1
    assert shown["next_due"] == today + datetime.timedelta(days=3)
    # Three days later the second one is due today, and still not overdue.
    later = dashboard.milestone_figures(snasa["milestones"], today + datetime.timedelta(days=3))
    assert later["overdue"] == 1
    assert later["next_due"] == today + datetime.timedelta(days=3)
    assert dashboard.overdue_count(figures["open_milestones"], today) == 1
    assert Milestone.objects.filter(agreement=agreement).count() == 2
    assert Agreement.objects.get(pk=agreement.pk).programme == programme


@pytest.mark.django_db(transaction=True)
def test_two_writers_in_a_programme_do_not_wait_for_each_other():
    """A change notes itself in a row of its own: a second writer in the same programme
    goes on while the first one's transaction is still open, and once both have
    committed the figures have both changes."""
    agreement = AgreementFactory()
    category = CostCategoryFactory(programme=agreement.programme)
    first_line = BudgetLineFactory(project=ProjectFactory(agreement=agreement), category=category)
    second_line = BudgetLineFactory(project=ProjectFactory(agreement=agreement), category=category)
    programme = agreement.programme
    assert kept(programme) == summary.compute(programme)
    inside, release = threading.Event(), threading.Event()

    def first_writer():
        try:
            with transaction.atomic():
                first_line.amount += 1_000
                first_line.save()
                inside.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    try:
        assert inside.wait(20)
        started = time.monotonic()
        with transaction.atomic():
            second_line.amount += 2_000
            second_line.save()
        assert time.monotonic() - started < 5  # it did not wait for the first writer
        # The first change is not committed: the summary has the second only, and the
        # first one's note is not there yet to be seen.
        assert kept(programme)["budget"] == summary.compute(programme)["budget"]
    finally:
        release.set()
        thread.join(30)
    assert kept(programme) == summary.compute(programme)
    assert kept(programme)["budget"] == first_line.amount + second_line.amount


def test_a_programme_deleted_with_its_agreements_and_projects(
    world, django_capture_on_commit_callbacks
):
    """Its agreements and projects note changes of the programme as they go: the
    deletion commits, and the notes go with the computation."""
    programme, agreement, project, _category, _report = world
    other = AgreementFactory().programme
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            project.delete()
            agreement.delete()
            programme.delete()
    assert not ProgrammeSummary.objects.filter(programme_id=programme.pk).exists()
    assert not ProgrammeChange.objects.filter(programme_id=programme.pk).exists()
    assert kept(other) == summary.compute(other)
