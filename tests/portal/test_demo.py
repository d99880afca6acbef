import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, Programme
from evaluations.models import Milestone
from municipalities.models import Municipality
from projects.models import Project

pytestmark = pytest.mark.django_db

I_LAG = {
    "5041": "Snåsa",
    "5022": "Rennebu",
    "5034": "Meråker",
    "5046": "Høylandet",
    "5033": "Tydal",
    "5052": "Leka",
}


def snapshot():
    """Every row of every model, as values: what «the same data» means."""
    return {
        model._meta.label: sorted(map(repr, model.objects.order_by("pk").values_list()))
        for model in apps.get_models()
        if model._meta.label not in {"sessions.Session", "admin.LogEntry"}
    }


def test_seed_demo_creates_i_lag_with_six_municipalities_agreements_and_projects():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    programme = Programme.objects.get(slug="i-lag")
    agreements = Agreement.objects.filter(programme=programme)
    assert {
        m.number: m.name for m in Municipality.objects.filter(agreements__in=agreements)
    } == I_LAG
    assert agreements.count() == 6
    for agreement in agreements:
        count = Project.objects.filter(agreement=agreement).count()
        assert 2 <= count <= 4, agreement
    for project in Project.objects.filter(agreement__programme=programme):
        assert project.budget_total() > 0
        assert project.financing_problems() == {}
        assert project.indicators.exists()
        assert project.is_demo
    kinds = dict(Milestone.objects.filter(programme=programme).values_list("kind", "due_date"))
    assert kinds["oppstartsnotat"].isoformat() == "2023-12-15"
    assert kinds["midtveisevaluering"].isoformat() == "2024-12-15"
    assert kinds["sluttevaluering"].isoformat() == "2025-11-15"
    assert kinds["sluttrapport"].isoformat() == "2025-12-15"


def test_seed_demo_creates_hjerteregionen_with_five_sub_projects():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    projects = Project.objects.filter(agreement__programme__slug="hjerteregionen").order_by(
        "number"
    )
    assert [p.number for p in projects] == [1, 2, 3, 4, 5]
    assert projects[1].title == "Økt boligbygging og utvikling av nye botilbud"
    programme = Programme.objects.get(slug="hjerteregionen")
    assert programme.max_grant_per_agreement == 4_000_000
    assert set(programme.cost_categories.filter(eligible=False).values_list("name", flat=True)) >= {
        "Ordinære driftskostnader",
        "Frikjøp av politiske ressurser",
    }


def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first


def test_seed_demo_users_can_log_in_with_their_roles(client):
    call_command("seed_demo", "--password", "hemmelig", stdout=open("/dev/null", "w"))
    from accounts.models import User

    people = User.objects.exclude(username="drift").exclude(is_system=True)
    roles = {u.username: sorted(u.role_names) for u in people}
    assert roles == {
        "radgiver": ["adviser"],
        "leder.snasa": ["project_leader"],
        "leder.meraker": ["project_leader"],
        "politiker": ["committee_reader"],
        "partner": ["partner"],
    }
    response = client.post("/accounts/login/", {"username": "leder.snasa", "password": "hemmelig"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    # The county's management reporting reads the API with a key made two months ago,
    # used this morning; it never signs in.
    system = User.objects.get(is_system=True)
    token = system.auth_token_set.get()
    assert token.created_by.username == "radgiver" and token.last_used_at is not None
    assert system.role_names == {"committee_reader"} and not system.has_usable_password()
    assert list(
        User.objects.get(username="leder.snasa").municipalities.values_list("number", flat=True)
    ) == ["5041"]


def test_seed_demo_adds_synthetic_projects_up_to_the_count():
    call_command("seed_demo", "--projects", "25", stdout=open("/dev/null", "w"))
    synthetic = Project.objects.filter(agreement__programme__slug="syntetisk")
    assert synthetic.count() == 25
    call_command("seed_demo", "--projects", "25", stdout=open("/dev/null", "w"))
    assert synthetic.count() == 25
    assert all(p.budget_sum == p.funding_sum > 0 for p in synthetic.with_totals())


def test_the_demo_has_a_round_running_today_with_work_waiting(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    programme = Programme.objects.get(slug="i-lag-ny-runde")
    assert programme.is_demo
    today = timezone.localdate()
    agreements = programme.agreements.order_by("title")
    assert agreements.count() == 3
    for agreement in agreements:
        assert agreement.status == Agreement.Status.ACTIVE
        assert agreement.start_date <= today <= agreement.end_date  # mid-way
        assert agreement.milestones.exists()
    joint_agreement = agreements.get(title="Samarbeidsavtale Snåsa og Meråker")
    joint = Project.objects.get(agreement=joint_agreement, status=Project.Status.ACTIVE)
    assert joint.municipalities.count() == 2 and joint.shares.count() == 2
    assert joint.change_requests.open().count() == 1
    assert Project.objects.filter(
        agreement=joint_agreement, status=Project.Status.SUBMITTED
    ).exists()
    milestones = Milestone.objects.filter(agreement__programme=programme)
    # Something waits, something is overdue, the next is within weeks.
    assert milestones.filter(report__status="submitted").count() == 1
    assert milestones.overdue(today).count() == 1
    upcoming = milestones.open().filter(due_date__gte=today).order_by("due_date").first()
    assert (upcoming.due_date - today).days <= 31
    # The adviser lands on it, with all of it waiting.
    client.force_login(User.objects.get(username="radgiver"))
    html = client.get("/").content.decode()
    assert "Distriktssatsinga I LAG, ny runde" in html
    assert "Prosjektforslag: Boligstrategi for Snåsa sentrum (Snåsa)" in html
    assert "Kommunens oppstartsnotat: Samarbeidsavtale Snåsa og Meråker" in html
    assert '<p class="h2 mb-0">3</p>' in html and '<p class="h2 mb-0">1</p>' in html
    assert "Frist nærmer seg" in html  # Rennebu's mid-term report
    # A joint project is named with its lead municipality «m.fl.» here, and with all of
    # them, the lead first, in the lists.
    assert "Felles rekrutteringskampanje (Snåsa m.fl.): Endringsmelding" in html
    reports = client.get("/prosjekter/statusrapporter/?program=i-lag-ny-runde")
    assert "Felles rekrutteringskampanje (Snåsa, Meråker)" in reports.content.decode()
    # The overdue card leads to this programme's overdue milestones: the one it counts.
    overdue_url = "/milepeler/forfalte/?program=i-lag-ny-runde"
    assert f'href="{overdue_url}"' in html
    page = client.get(overdue_url)
    assert page.context["milestones"].paginator.count == 1
    assert "Samarbeidsavtale Tydal" in page.content.decode()
    assert client.get("/milepeler/forfalte/").context["milestones"].paginator.count > 1
    assert client.get("/milepeler/forfalte/?program=finnes-ikke").status_code == 404


def test_the_demos_history_names_the_demo_people_on_believable_days():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    from evaluations.models import MilestoneReport
    from projects.models import ProgressReport

    for model in (Programme, Agreement, Project, ProgressReport, MilestoneReport, Milestone):
        rows = model.history.all()
        assert rows.exists(), model
        assert not rows.filter(history_user__isnull=True).exists(), model
    # Status reports are written and approved after their period, not all on load day.
    approved = ProgressReport.objects.filter(status="approved")
    assert approved.exists()
    for report in approved:
        assert report.period_end < timezone.localdate(report.submitted_at) <= today
        assert report.submitted_at <= report.reviewed_at
        assert report.history.earliest("history_date").history_user.username in {
            "leder.snasa",
            "leder.meraker",
            "radgiver",
        }
    assert ProgressReport.history.filter(history_date__date__lt=today).count() > 0.9 * (
        ProgressReport.history.count()
    )


def test_the_demo_has_the_committees_last_two_reports_when_pdfs_are_made(settings):
    from reports.models import ReportOrder

    settings.DEMO_RENDER_REPORTS = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    finals = ReportOrder.objects.filter(is_final=True).order_by("-meeting_date")
    assert finals.count() == 2
    today = timezone.localdate()
    for order in finals:
        assert order.status == ReportOrder.Status.READY and order.pages >= 2
        assert order.meeting_date < today and order.assessment and order.proposed_decision
        assert order.data_cutoff.date() < order.meeting_date
        assert order.file.storage.exists(order.file.name)
    assert (today - finals[0].meeting_date).days <= 31
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert ReportOrder.objects.count() == 2  # made once


def test_the_dashboards_frame_is_its_own_programmes_only(client):
    """The agreed frames on the dashboard are the programme's own agreements: I LAG's six
    of kr 2 000 000, not every programme's."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(username="radgiver"))
    frames = {
        slug: sum(
            Agreement.objects.filter(programme__slug=slug).values_list("county_frame", flat=True)
        )
        for slug in ("i-lag", "i-lag-ny-runde", "hjerteregionen")
    }
    assert frames["i-lag"] == 12_000_000 and len(set(frames.values())) == 3
    for slug, frame in frames.items():
        html = client.get(f"/?program={slug}").content.decode().replace("\xa0", " ")
        shown = f"kr {frame:,}".replace(",", " ")
        assert f"<dd>{shown}</dd>" in html, (slug, shown)
