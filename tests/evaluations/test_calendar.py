"""The private iCalendar feed: what is in it for whom, and who gets 404."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from accounts.calendar_tokens import calendar_token_create, calendar_token_revoke
from accounts.models import Role
from evaluations.calendar import calendar_for
from evaluations.models import Milestone
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    adviser,
    leader,
)

D = datetime.date
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def world(db):
    """I LAG with Meråker and Snåsa; another programme with Tydal that nobody here follows."""
    i_lag = ProgrammeFactory(name="Distriktssatsinga I LAG", short_name="I LAG")
    other = ProgrammeFactory(name="Bygdevekstavtale", short_name="Bygdevekst")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    tydal = MunicipalityFactory(number="5033", name="Tydal")
    meraker_agreement = AgreementFactory(
        programme=i_lag, municipalities=[meraker], title="Samarbeidsavtale I LAG"
    )
    snasa_agreement = AgreementFactory(programme=i_lag, municipalities=[snasa], title="Avtale")
    tydal_agreement = AgreementFactory(programme=other, municipalities=[tydal], title="Tydal")
    project = ProjectFactory(agreement=meraker_agreement, title="Boligprosjekt")

    def milestone(due, kind=Milestone.Kind.OTHER, **owner):
        return MilestoneFactory(**{"programme": None, **owner}, kind=kind, due_date=due)

    class World:
        pass

    w = World()
    w.meraker_leader = leader(meraker, username="leder.meraker")
    w.adviser = adviser(username="radgiver")
    w.adviser.programmes.add(i_lag)
    w.programme_ms = milestone(D(2024, 12, 15), Milestone.Kind.MIDTERM_EVALUATION, programme=i_lag)
    w.meraker_ms = milestone(
        D(2024, 12, 1), Milestone.Kind.MIDTERM_REPORT, agreement=meraker_agreement
    )
    w.project_ms = milestone(D(2025, 1, 31), Milestone.Kind.OTHER, project=project)
    w.snasa_ms = milestone(D(2024, 12, 2), Milestone.Kind.MIDTERM_REPORT, agreement=snasa_agreement)
    w.other_programme_ms = milestone(D(2025, 11, 1), programme=other)
    w.tydal_ms = milestone(D(2025, 2, 1), agreement=tydal_agreement)
    return w


def events(user) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(calendar_for(user))
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def uid(milestone) -> str:
    return f"milestone-{milestone.pk}@ilag-portal"


def test_leader_gets_own_municipality_and_programme_milestones(world):
    found = events(world.meraker_leader)

    assert set(found) == {uid(world.programme_ms), uid(world.meraker_ms), uid(world.project_ms)}


def test_leader_does_not_get_another_municipalitys_milestones(world):
    found = events(world.meraker_leader)

    assert uid(world.snasa_ms) not in found
    assert uid(world.tydal_ms) not in found


def test_adviser_gets_every_milestone_of_the_followed_programme_only(world):
    found = events(world.adviser)

    assert set(found) == {
        uid(world.programme_ms),
        uid(world.meraker_ms),
        uid(world.project_ms),
        uid(world.snasa_ms),
    }


def test_events_are_all_day_on_the_due_date(world, settings):
    settings.PORTAL_BASE_URL = "https://ilag.example.no"
    with time_machine.travel(datetime.datetime(2024, 12, 5, 12, tzinfo=OSLO), tick=False):
        calendar = icalendar.Calendar.from_ical(calendar_for(world.meraker_leader))
    event = {str(e["uid"]): e for e in calendar.walk("VEVENT")}[uid(world.meraker_ms)]

    assert str(calendar["x-wr-calname"]) == "I LAG-frister"
    assert "I LAG-portalen" in str(calendar["prodid"])
    # DATE values (not DATE-TIME): an all-day event, ending the next day (exclusive).
    assert type(event.decoded("dtstart")) is datetime.date
    assert event.decoded("dtstart") == D(2024, 12, 1)
    assert event.decoded("dtend") == D(2024, 12, 2)
    assert str(event["summary"]) == "Midtveisrapport – Samarbeidsavtale I LAG – Meråker"
    url = f"https://ilag.example.no/milepeler/{world.meraker_ms.pk}/"
    assert str(event["url"]) == url
    assert url in str(event["description"])
    assert "Status: Forfalt" in str(event["description"])
    assert isinstance(event.decoded("dtstamp"), datetime.datetime)
    assert isinstance(event.decoded("last-modified"), datetime.datetime)


def test_programme_and_project_milestones_are_named_by_their_owner(world):
    found = events(world.adviser)

    assert str(found[uid(world.programme_ms)]["summary"]) == "Midtveisevaluering – I LAG"
    assert str(found[uid(world.project_ms)]["summary"]) == "Annet – Boligprosjekt – Meråker"


def test_responsible_users_get_their_milestones_when_they_may_see_them(world):
    reader = UserFactory(username="utvalg", role=Role.COMMITTEE_READER)
    world.meraker_ms.responsible = reader
    world.meraker_ms.save()
    # Responsible for a milestone of a programme the adviser does not follow: not
    # visible to the adviser, so not in the feed either.
    world.tydal_ms.responsible = world.adviser
    world.tydal_ms.save()

    assert set(events(reader)) == {uid(world.meraker_ms)}
    assert uid(world.tydal_ms) not in events(world.adviser)


def test_the_feed_is_served_with_the_token_and_no_login(client, world):
    token = calendar_token_create(user=world.meraker_leader)

    response = client.get(reverse("calendar:feed", kwargs={"token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    assert "noindex" in response["X-Robots-Tag"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert {str(e["uid"]) for e in calendar.walk("VEVENT")} == set(events(world.meraker_leader))


def test_wrong_revoked_and_inactive_tokens_give_the_same_bare_404(client, world):
    def feed(token):
        return client.get(reverse("calendar:feed", kwargs={"token": token}))

    unknown = feed("ukjent-nokkel")
    revoked_token = calendar_token_create(user=world.adviser)
    calendar_token_revoke(user=world.adviser)
    revoked = feed(revoked_token)
    inactive_token = calendar_token_create(user=world.meraker_leader)
    world.meraker_leader.is_active = False
    world.meraker_leader.save()
    inactive = feed(inactive_token)

    assert unknown.status_code == revoked.status_code == inactive.status_code == 404
    assert unknown.content == revoked.content == inactive.content
    for response in (revoked, inactive):
        assert b"BEGIN:VCALENDAR" not in response.content
        assert response["Content-Type"].startswith("text/html")


def test_a_new_link_replaces_the_old_one(client, world):
    client.force_login(world.meraker_leader)

    client.post(reverse("evaluations:calendar-create"))
    world.meraker_leader.refresh_from_db()
    old = world.meraker_leader.calendar_token
    response = client.post(reverse("evaluations:calendar-create"), follow=True)
    world.meraker_leader.refresh_from_db()
    new = world.meraker_leader.calendar_token

    assert old and new and old != new
    assert "Den gamle lenken virker ikke lenger." in response.content.decode()
    client.logout()
    assert client.get(reverse("calendar:feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("calendar:feed", kwargs={"token": new})).status_code == 200


def test_turning_the_link_off_makes_the_feed_404(client, world):
    token = calendar_token_create(user=world.meraker_leader)
    client.force_login(world.meraker_leader)

    response = client.post(reverse("evaluations:calendar-revoke"), follow=True)

    world.meraker_leader.refresh_from_db()
    assert world.meraker_leader.calendar_token is None
    assert "Kalenderlenken er slått av." in response.content.decode()
    assert client.get(reverse("calendar:feed", kwargs={"token": token})).status_code == 404


def test_the_settings_page_shows_the_absolute_feed_address(client, world):
    client.force_login(world.meraker_leader)
    page = reverse("evaluations:calendar-settings")

    without = client.get(page).content.decode()
    token = calendar_token_create(user=world.meraker_leader)
    with_link = client.get(page).content.decode()

    assert "Du har ingen kalenderlenke." in without
    assert "Lag lenke" in without and "Slå av lenken" not in without
    feed_url = "http://testserver" + reverse("calendar:feed", kwargs={"token": token})
    assert f'value="{feed_url}"' in with_link
    assert "Fra Internett" in with_link
    assert "Lag ny lenke" in with_link and "Slå av lenken" in with_link


def test_tokens_are_long_random_and_unique(world):
    first = calendar_token_create(user=world.meraker_leader)
    second = calendar_token_create(user=world.adviser)

    assert len(first) >= 40 and first != second
