"""What the demo holds, read from one seeding for the module (`demo_for_module`): each test
only reads it, or changes it inside its own rolled-back transaction."""

import pytest
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


def test_seed_demo_creates_i_lag_with_six_municipalities_agreements_and_projects(demo_for_module):
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


def test_seed_demo_creates_hjerteregionen_with_five_sub_projects(demo_for_module):
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


def test_the_demo_has_a_round_running_today_with_work_waiting(client, demo_for_module):
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


def test_the_demos_history_names_the_demo_people_on_believable_days(demo_for_module):
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


def test_the_dashboards_frame_is_its_own_programmes_only(client, demo_for_module):
    """The agreed frames on the dashboard are the programme's own agreements: I LAG's six
    of kr 2 000 000, not every programme's."""
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
