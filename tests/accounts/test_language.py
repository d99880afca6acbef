"""The language is the user's own: bokmål by default, nynorsk or English chosen on the
profile (or in the login page's switch) and remembered, whatever the browser says; the
PDF reports a user orders are in that language."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from reports.models import ReportOrder
from reports.reporting import ReportSubject, report_html
from reports.services import report_order_create
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def profile_data(user, **changes):
    return {
        "first_name": user.first_name or "Randi",
        "last_name": user.last_name or "Rådgiver",
        "email": user.email or "randi@example.no",
        "language": user.language,
        **changes,
    }


def test_bokmal_by_default_whatever_the_browser_asks(client):
    user = UserFactory(role=Role.ADVISER)
    client.force_login(user)
    html = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="nn,en").content
    assert b'<html lang="nb">' in html
    assert "Min konto" in html.decode()


def test_language_chosen_on_the_profile_is_kept_for_the_user(client):
    user = UserFactory(role=Role.ADVISER, email="randi@example.no")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), profile_data(user, language="nn"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "nn"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="nn">' in html
    assert "Namn, e-post og språk" in html
    # Another browser, a new session: still nynorsk.
    other = type(client)()
    other.force_login(user)
    assert '<html lang="nn">' in other.get(reverse("accounts:profile")).content.decode()
    # A language the portal does not offer is refused at the field.
    response = client.post(reverse("accounts:profile"), profile_data(user, language="sv"))
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "nn"


def test_the_language_switch_saves_a_signed_in_users_choice(client):
    user = UserFactory(role=Role.COMMITTEE_READER)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    # Anonymous: the cookie only, as before.
    anonymous = type(client)()
    response = anonymous.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert response.cookies["django_language"].value == "nn"
    html = anonymous.get(reverse("login")).content.decode()
    assert '<html lang="nn">' in html


def test_a_report_is_written_in_the_language_of_the_one_who_ordered_it():
    programme = ProgrammeFactory(name="Testsatsing", short_name="Test")
    municipality = MunicipalityFactory(name="Snåsa", number="5041")
    agreement = AgreementFactory(programme=programme, municipalities=[municipality])
    BudgetLineFactory(project=ProjectFactory(agreement=agreement, title="Boliger i sentrum"))
    adviser = UserFactory(role=Role.ADVISER, language="nn")
    adviser.programmes.add(programme)
    order = report_order_create(
        user=adviser,
        kind=ReportOrder.Kind.PROGRAMME,
        programme=programme,
        assessment="Programmet går etter planen.",
    )
    assert order.language == "nn"
    html = report_html(ReportSubject.of(order), user=adviser, cutoff=timezone.now(), order=order)
    assert '<html lang="nn">' in html
    assert "Rapport til utvalet" in html and "Rådgjevars vurdering" in html
    assert "Rapport til utvalget" not in html
    User.objects.filter(pk=adviser.pk).update(language="nb")
    adviser.refresh_from_db()
    bokmal = report_order_create(user=adviser, kind=ReportOrder.Kind.PROGRAMME, programme=programme)
    html = report_html(ReportSubject.of(bokmal), user=adviser, cutoff=timezone.now(), order=bokmal)
    assert '<html lang="nb">' in html and "Rapport til utvalget" in html


def test_the_saved_message_is_in_the_language_just_chosen(client):
    user = UserFactory(role=Role.PROJECT_LEADER, email="sigrid@example.no")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), profile_data(user, language="nn"), follow=True
    )
    html = response.content.decode()
    assert "Opplysningane dine er lagra." in html
    assert "Opplysningene dine er lagret." not in html
