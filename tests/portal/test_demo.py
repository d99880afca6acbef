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

    roles = {u.username: sorted(u.role_names) for u in User.objects.exclude(username="drift")}
    assert roles == {
        "radgiver": ["adviser"],
        "leder.snasa": ["project_leader"],
        "leder.meraker": ["project_leader"],
        "politiker": ["committee_reader"],
        "partner": ["partner"],
    }
    response = client.post("/accounts/login/", {"username": "leder.snasa", "password": "hemmelig"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
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
    agreement = programme.agreements.get()
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.start_date <= timezone.localdate() <= agreement.end_date
    assert agreement.milestones.exists()
    joint = Project.objects.get(agreement=agreement, status=Project.Status.ACTIVE)
    assert joint.municipalities.count() == 2 and joint.shares.count() == 2
    assert joint.change_requests.open().count() == 1
    assert Project.objects.filter(agreement=agreement, status=Project.Status.SUBMITTED).exists()
    # The adviser lands on it, with both waiting.
    client.force_login(User.objects.get(username="radgiver"))
    html = client.get("/").content.decode()
    assert "Distriktssatsinga I LAG, ny runde" in html
    assert "Prosjektforslag: Boligstrategi for Snåsa sentrum" in html
