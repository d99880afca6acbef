"""Status reports: draft → submitted (locked) → approved, or returned with a comment."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from projects.models import ProgressReport
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    IndicatorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa],
        start_date=D(2024, 1, 1),
        end_date=D(2025, 12, 31),
    )
    AgreementFactory(programme=programme, municipalities=[meraker])
    project = ProjectFactory(agreement=agreement, title="Boliger i sentrum")
    category = CostCategoryFactory(programme=programme, name="Prosjektledelse")
    BudgetLineFactory(project=project, category=category, year=2024, amount=400_000)
    indicator = IndicatorFactory(project=project, unit="arbeidsplasser", baseline=0, target=10)
    leader = UserFactory(
        username="leder",
        first_name="Sigrid",
        last_name="Snåsa",
        role=Role.PROJECT_LEADER,
        municipalities=[snasa],
    )
    other = UserFactory(username="annen", role=Role.PROJECT_LEADER, municipalities=[meraker])
    adviser = UserFactory(
        username="radgiver", first_name="Randi", last_name="Rådgiver", role=Role.ADVISER
    )
    adviser.programmes.add(programme)
    committee = UserFactory(username="politiker", role=Role.COMMITTEE_READER)
    return {
        "project": project,
        "category": category,
        "indicator": indicator,
        "leader": leader,
        "other": other,
        "adviser": adviser,
        "committee": committee,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def report_data(world, report, **changes):
    data = {
        "version": report.version,
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "traffic_light": "yellow",
        "traffic_light_reason": "Forsinket regulering",
        "percent_complete": "40",
        "achieved": "Mulighetsstudie ferdig",
        "next_steps": "Dialog med Husbanken",
        "risks": "",
        "lesson_learned": "Tidlig dialog lønner seg",
        f"cost_{world['category'].pk}": "150 000",
        f"value_{world['indicator'].pk}": "2,5",
        f"comment_{world['indicator'].pk}": "To nye stillinger",
    }
    data.update(changes)
    return data


def create_report(world):
    client = client_for(world["leader"])
    response = client.post(
        reverse("projects:report-create", args=[world["project"].pk]),
        {"period_start": "2024-01-01", "period_end": "2024-06-30"},
    )
    assert response.status_code == 302
    return client, ProgressReport.objects.get(project=world["project"])


def test_full_workflow_return_fix_resubmit_approve(world):
    leader, report = create_report(world)
    response = leader.post(
        reverse("projects:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.costs.get().amount == 150_000
    assert str(report.indicator_values.get().value) == "2.50"
    # Locked for the leader once submitted.
    assert leader.get(reverse("projects:report-update", args=[report.pk])).status_code == 403

    adviser = client_for(world["adviser"])
    response = adviser.post(
        reverse("projects:report-review", args=[report.pk]),
        {"action": "return", "comment": ""},
        follow=True,
    )
    assert "Skriv hva prosjektlederen må endre." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    adviser.post(
        reverse("projects:report-review", args=[report.pk]),
        {"action": "return", "comment": "Oppgi påløpte kostnader for reiser."},
    )
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED

    mine = leader.get(reverse("projects:mine")).content.decode()
    assert "Oppgi påløpte kostnader for reiser." in mine

    response = leader.post(
        reverse("projects:report-update", args=[report.pk]),
        {**report_data(world, report, percent_complete="45"), "submit": "1"},
    )
    assert response.status_code == 302
    adviser.post(reverse("projects:report-review", args=[report.pk]), {"action": "approve"})
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED and report.percent_complete == 45
    assert report.reviewed_by == world["adviser"]

    page = leader.get(world["project"].get_absolute_url()).content.decode()
    assert "45\xa0% ferdig per 30.06.2024" in page
    assert "kr\xa0150\xa0000" in page  # incurred against the budget
    assert "2,5" in page  # latest indicator value
    statuses = [h.status for h in report.history.order_by("history_date")]
    steps = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    assert steps == ["draft", "submitted", "returned", "submitted", "approved"]


def test_submit_needs_status_light_percent_and_achievements(world):
    leader, report = create_report(world)
    data = report_data(world, report, traffic_light="", percent_complete="", achieved="")
    response = leader.post(
        reverse("projects:report-update", args=[report.pk]), {**data, "submit": "1"}
    )
    html = response.content.decode()
    assert "Utkastet er lagret, men kan ikke sendes inn ennå. Rett opp dette:" in html
    assert "Ingenting er lagret ennå" not in html
    assert "Velg et statuslys før du sender inn." in html
    assert "Oppgi hvor langt prosjektet har kommet, i prosent." in html
    assert "Beskriv hva som er oppnådd i perioden." in html
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert report.next_steps == "Dialog med Husbanken"  # saved, as the page says


def test_submit_with_a_field_error_shows_every_error_at_once_and_saves_nothing(world):
    leader, report = create_report(world)
    data = report_data(
        world, report, percent_complete="150", achieved="", next_steps="Ny tekst som ikke lagres"
    )
    response = leader.post(
        reverse("projects:report-update", args=[report.pk]), {**data, "submit": "1"}
    )
    html = response.content.decode()
    assert "Ingenting er lagret ennå" in html
    assert "Utkastet er lagret" not in html
    # The form's own error and what submission needs, in one round.
    assert "Beskriv hva som er oppnådd i perioden." in html
    assert 'name="percent_complete"' in html and 'value="150"' in html
    assert "Ny tekst som ikke lagres" in html  # the input is kept
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert report.next_steps == ""


def test_report_submitted_twice_says_so(world):
    leader, report = create_report(world)
    leader.post(
        reverse("projects:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    response = leader.post(reverse("projects:report-submit", args=[report.pk]), follow=True)
    assert "Rapporten er allerede sendt inn." in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).history.count() == 3  # create, save, submit


def test_approving_a_draft_is_refused(world):
    _leader, report = create_report(world)
    response = client_for(world["adviser"]).post(
        reverse("projects:report-review", args=[report.pk]), {"action": "approve"}, follow=True
    )
    assert "Rapporten kan ikke godkjennes når den har status «Utkast»." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def test_other_leaders_and_readers_never_see_drafts_but_see_approved(world):
    leader, report = create_report(world)
    for user in (world["other"], world["committee"]):
        assert client_for(user).get(report.get_absolute_url()).status_code == 404
    leader.post(
        reverse("projects:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    client_for(world["adviser"]).post(
        reverse("projects:report-review", args=[report.pk]), {"action": "approve"}
    )
    for user in (world["other"], world["committee"]):
        assert client_for(user).get(report.get_absolute_url()).status_code == 200


def test_period_outside_the_project_is_refused(world):
    client = client_for(world["leader"])
    response = client.post(
        reverse("projects:report-create", args=[world["project"].pk]),
        {"period_start": "2023-06-01", "period_end": "2024-06-30"},
    )
    assert (
        "Perioden må ligge innenfor prosjektperioden (01.01.2024–31.12.2025)."
        in response.content.decode()
    )
    assert not ProgressReport.objects.exists()


def test_adviser_cannot_write_the_leaders_report(world):
    assert (
        client_for(world["adviser"])
        .post(
            reverse("projects:report-create", args=[world["project"].pk]),
            {"period_start": "2024-01-01", "period_end": "2024-06-30"},
        )
        .status_code
        == 403
    )


def test_a_second_open_draft_is_refused_and_the_new_report_page_leads_to_the_first(world):
    client, report = create_report(world)
    url = reverse("projects:report-create", args=[world["project"].pk])
    response = client.post(url, {"period_start": "2024-07-01", "period_end": "2024-12-31"})
    assert response.status_code == 200
    assert "allerede en statusrapport under arbeid" in response.content.decode()
    assert ProgressReport.objects.filter(project=world["project"]).count() == 1
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:report-update", args=[report.pk])


@pytest.mark.parametrize(
    "last_end, today, expected",
    [
        # First report, half a year in: from the start to today.
        (None, D(2024, 6, 30), (D(2024, 1, 1), D(2024, 6, 30))),
        # The last report ended yesterday: not a one-day period, half a year ahead.
        (D(2024, 6, 29), D(2024, 6, 30), (D(2024, 6, 30), D(2024, 12, 28))),
        # Two weeks since: still half a year ahead rather than two weeks.
        (D(2024, 6, 15), D(2024, 6, 30), (D(2024, 6, 16), D(2024, 12, 14))),
        # Close to the end: up to the project's end, at least a month long.
        (D(2025, 12, 20), D(2025, 12, 21), (D(2025, 12, 2), D(2025, 12, 31))),
        # Everything reported already: the project's last month, not an empty period.
        (D(2025, 12, 31), D(2026, 1, 15), (D(2025, 12, 2), D(2025, 12, 31))),
        # Long after the last report: up to today.
        (D(2024, 12, 31), D(2025, 8, 1), (D(2025, 1, 1), D(2025, 8, 1))),
    ],
)
def test_proposed_period_is_never_empty_or_a_day_long(world, last_end, today, expected):
    from projects.services import proposed_report_period

    start, end = proposed_report_period(world["project"], last_end, today)
    assert (start, end) == expected
    assert (end - start).days >= 29
    assert world["project"].start_date <= start <= end <= world["project"].end_date


def test_leader_is_offered_the_open_report_not_a_new_one_on_his_projects(world, client):
    from projects.models import Project

    project = world["project"]
    client.force_login(world["leader"])
    html = client.get("/prosjekter/mine/").content.decode()
    assert reverse("projects:report-create", args=[project.pk]) in html
    draft = ProgressReport.objects.create(
        project=project, period_start=D(2024, 1, 1), period_end=D(2024, 6, 30)
    )
    html = client.get("/prosjekter/mine/").content.decode()
    assert reverse("projects:report-update", args=[draft.pk]) in html
    assert reverse("projects:report-create", args=[project.pk]) not in html
    project.status = Project.Status.COMPLETED
    project.save(update_fields=["status"])
    html = client.get("/prosjekter/mine/").content.decode()
    assert reverse("projects:report-create", args=[project.pk]) not in html
    assert reverse("projects:report-update", args=[draft.pk]) not in html


def test_saving_from_a_stale_form_is_refused_and_keeps_the_input(world):
    leader, report = create_report(world)
    stale = report_data(world, report, achieved="Første versjon")
    first = leader.post(reverse("projects:report-update", args=[report.pk]), stale)
    assert first.status_code == 302
    # The same form, opened before that save, sent again with other text.
    second = leader.post(
        reverse("projects:report-update", args=[report.pk]),
        {**stale, "achieved": "Andre versjon fra et gammelt skjema"},
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "etter at du åpnet skjemaet" in html and "IKKE lagret" in html
    assert "Andre versjon fra et gammelt skjema" in html  # kept in the form
    report.refresh_from_db()
    assert report.achieved == "Første versjon"
