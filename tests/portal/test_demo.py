import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from projects.models import Project

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every model, as values: what «the same data» means."""
    return {
        model._meta.label: sorted(map(repr, model.objects.order_by("pk").values_list()))
        for model in apps.get_models()
        if model._meta.label not in {"sessions.Session", "admin.LogEntry"}
    }


def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first


def test_seed_demo_users_can_log_in_with_their_roles(client):
    call_command("seed_demo", "--password", "hemmelig", stdout=open("/dev/null", "w"))

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
