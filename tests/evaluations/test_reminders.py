"""Deadline reminders: the schedule, who gets them, idempotency, the task and the command.

The e-mail backend is Django's locmem (pytest-django sets it); the clock is frozen with
time-machine where the code reads it.
"""

import datetime
import smtplib
import threading
import time
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agreements.models import Agreement
from evaluations import services
from evaluations.models import Milestone, MilestoneTemplate, Reminder
from evaluations.reminders import deadline_reminders_send, occasion_for
from evaluations.tasks import deadline_reminders_send_task
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    adviser,
    leader,
)

D = datetime.date
OSLO = ZoneInfo("Europe/Oslo")
DUE = D(2025, 3, 3)
BEFORE, DUE_KIND, OVERDUE, ADVISER = (
    Reminder.Kind.BEFORE,
    Reminder.Kind.DUE,
    Reminder.Kind.OVERDUE,
    Reminder.Kind.ADVISER_OVERDUE,
)


@pytest.fixture
def world(db):
    programme = ProgrammeFactory(name="Distriktssatsinga I LAG", short_name="I LAG")
    # The kinds of milestone the programme uses (Milestone.clean checks them on a move).
    for kind in (Milestone.Kind.MIDTERM_REPORT, Milestone.Kind.FINAL_REPORT):
        MilestoneTemplate.objects.create(programme=programme, kind=kind, months_after_start=18)
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    agreement = AgreementFactory(
        programme=programme, municipalities=[meraker], title="Samarbeidsavtale I LAG"
    )
    kari = leader(meraker, username="kari", first_name="Kari", last_name="Leder")
    ola = adviser(username="ola", first_name="Ola", last_name="Rådgiver")
    ola.programmes.add(programme)

    class World:
        pass

    w = World()
    w.programme, w.meraker, w.agreement, w.kari, w.ola = programme, meraker, agreement, kari, ola
    return w


def agreement_milestone(w, **kwargs):
    defaults = {
        "programme": None,
        "agreement": w.agreement,
        "kind": Milestone.Kind.MIDTERM_REPORT,
        "due_date": DUE,
        "responsible": w.kari,
    }
    return MilestoneFactory(**{**defaults, **kwargs})


def run(day: datetime.date) -> int:
    """The daily task as beat starts it at 06:00 Oslo time on `day`, without a date."""
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(6), OSLO), tick=False):
        return deadline_reminders_send_task()


def walk(first: datetime.date, last: datetime.date):
    """Run every day from `first` to `last`; the reminders sent, as
    {username: [(days after the due date, kind, step)]}, and the e-mails per day."""
    schedule, mails_per_day = {}, {}
    day = first
    while day <= last:
        before = set(Reminder.objects.values_list("pk", flat=True))
        outbox = len(mail.outbox)
        sent = run(day)
        assert sent == len(mail.outbox) - outbox, day
        mails_per_day[day] = sent
        for reminder in Reminder.objects.exclude(pk__in=before).select_related("recipient"):
            offset = (day - reminder.due_date).days
            schedule.setdefault(reminder.recipient.username, []).append(
                (offset, reminder.kind, reminder.step)
            )
        day += datetime.timedelta(days=1)
    for entries in schedule.values():
        entries.sort()
    return schedule, mails_per_day


# The schedule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (31, None),
        (30, (BEFORE, 30)),
        (29, (BEFORE, 30)),
        (8, (BEFORE, 30)),
        (7, (BEFORE, 7)),
        (1, (BEFORE, 7)),
        (0, (DUE_KIND, 0)),
        (-1, (OVERDUE, 1)),
        (-7, (OVERDUE, 1)),
        (-8, (OVERDUE, 2)),
        (-14, (OVERDUE, 2)),
        (-15, (OVERDUE, 3)),
    ],
)
def test_occasion_for_each_day(days_left, expected):
    occasion = occasion_for(days_left, [30, 7])
    assert (None if occasion is None else (occasion.kind, occasion.step)) == expected


def test_reminders_30_and_7_days_before_on_the_day_and_weekly_while_overdue(world):
    agreement_milestone(world)

    schedule, mails_per_day = walk(
        DUE - datetime.timedelta(days=35), DUE + datetime.timedelta(days=22)
    )

    assert schedule == {
        "kari": [
            (-30, BEFORE, 30),
            (-7, BEFORE, 7),
            (0, DUE_KIND, 0),
            (1, OVERDUE, 1),
            (8, OVERDUE, 2),
            (15, OVERDUE, 3),
            (22, OVERDUE, 4),
        ],
        "ola": [(1, ADVISER, 1), (8, ADVISER, 2), (15, ADVISER, 3), (22, ADVISER, 4)],
    }
    assert sum(mails_per_day.values()) == 11
    # Each e-mail went to the address recorded on its row.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Reminder.objects.values_list("email", flat=True)
    )


def test_a_missed_run_sends_the_reminder_the_next_day(world):
    agreement_milestone(world)

    schedule, _ = walk(DUE - datetime.timedelta(days=29), DUE - datetime.timedelta(days=29))
    assert schedule == {"kari": [(-29, BEFORE, 30)]}
    schedule, _ = walk(DUE - datetime.timedelta(days=6), DUE - datetime.timedelta(days=6))
    assert schedule == {"kari": [(-6, BEFORE, 7)]}
    # Overdue week 2 is missed on day 8 and sent on day 9; week 3 still on day 15.
    schedule, _ = walk(DUE + datetime.timedelta(days=9), DUE + datetime.timedelta(days=15))
    assert schedule["kari"] == [(9, OVERDUE, 2), (15, OVERDUE, 3)]


def test_a_milestone_added_5_days_before_gets_only_the_7_day_reminder(world):
    agreement_milestone(world, due_date=DUE)

    schedule, _ = walk(DUE - datetime.timedelta(days=5), DUE)

    assert schedule == {"kari": [(-5, BEFORE, 7), (0, DUE_KIND, 0)]}
    assert mail.outbox[0].subject.startswith("Frist om 5 dager: ")


def test_programme_reminder_days_are_honoured(world):
    world.programme.reminder_days = "14, 3"
    world.programme.save()
    agreement_milestone(world)

    schedule, _ = walk(DUE - datetime.timedelta(days=40), DUE)

    assert schedule == {"kari": [(-14, BEFORE, 14), (-3, BEFORE, 3), (0, DUE_KIND, 0)]}


def test_running_twice_a_day_sends_nothing_twice(world):
    agreement_milestone(world)
    agreement_milestone(world, kind=Milestone.Kind.FINAL_REPORT, due_date=D(2025, 3, 20))
    day = DUE - datetime.timedelta(days=7)

    assert run(day) == 2
    assert run(day) == 0
    assert deadline_reminders_send(today=day) == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_moving_the_due_date_rearms_the_reminders(world):
    milestone = agreement_milestone(world)
    walk(DUE - datetime.timedelta(days=7), DUE + datetime.timedelta(days=1))
    assert Reminder.objects.filter(recipient=world.kari).count() == 3  # 7 days, due, week 1

    new_due = DUE + datetime.timedelta(days=30)
    with time_machine.travel(datetime.datetime(2025, 3, 4, 12, tzinfo=OSLO), tick=False):
        services.milestone_move(milestone=milestone, due_date=new_due, reason="Avtalt utsettelse")
    schedule, _ = walk(DUE + datetime.timedelta(days=2), new_due)

    # 28 days left on the first run: the 30-day reminder for the new date, then the rest.
    assert schedule == {"kari": [(-28, BEFORE, 30), (-7, BEFORE, 7), (0, DUE_KIND, 0)]}
    assert set(Reminder.objects.filter(kind=BEFORE).values_list("due_date", "step")) == {
        (DUE, 7),
        (new_due, 30),
        (new_due, 7),
    }


def test_a_delivered_milestone_gets_no_more_reminders(world):
    milestone = agreement_milestone(world)
    walk(DUE - datetime.timedelta(days=7), DUE - datetime.timedelta(days=7))
    assert len(mail.outbox) == 1

    milestone.status = Milestone.Status.DELIVERED
    milestone.delivered_on = DUE - datetime.timedelta(days=2)
    milestone.save()
    schedule, _ = walk(DUE - datetime.timedelta(days=6), DUE + datetime.timedelta(days=20))

    assert schedule == {}
    assert len(mail.outbox) == 1


def test_terminated_agreements_get_no_reminders(world):
    agreement_milestone(world)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.TERMINATED)

    assert run(DUE + datetime.timedelta(days=1)) == 0


# Recipients -----------------------------------------------------------------------


def test_without_an_active_responsible_the_municipality_leaders_are_reminded(world):
    world.kari.is_active = False
    world.kari.save()
    per = leader(world.meraker, username="per")
    leader(world.meraker, username="uten-epost", email="")
    leader(MunicipalityFactory(number="5041", name="Snåsa"), username="snasa")
    project = ProjectFactory(agreement=world.agreement, municipalities=[world.meraker])
    agreement_milestone(world, responsible=world.kari)
    agreement_milestone(world, agreement=None, project=project, responsible=None)

    run(DUE)

    assert sorted(Reminder.objects.values_list("recipient__username", "kind")) == [
        ("per", DUE_KIND),
        ("per", DUE_KIND),
    ]
    assert {m.to[0] for m in mail.outbox} == {per.email}
    assert "prosjektleder i Meråker" in mail.outbox[0].body


def test_programme_milestones_go_to_the_advisers_following_the_programme(world):
    other = adviser(username="annen")  # follows nothing
    MilestoneFactory(programme=world.programme, kind=Milestone.Kind.FINAL_EVALUATION, due_date=DUE)

    schedule, _ = walk(DUE, DUE + datetime.timedelta(days=1))

    # The adviser gets the overdue reminder itself, not the digest about it as well.
    assert schedule == {"ola": [(0, DUE_KIND, 0), (1, OVERDUE, 1)]}
    assert other.email not in {m.to[0] for m in mail.outbox}


def test_advisers_get_one_digest_per_run_for_all_newly_overdue_items(world):
    kari_too = adviser(username="kari2")
    kari_too.programmes.add(world.programme)
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    leader(snasa, username="snasa")
    second = AgreementFactory(programme=world.programme, municipalities=[snasa], title="Avtale")
    first = agreement_milestone(world)
    agreement_milestone(
        world, agreement=second, responsible=None, due_date=DUE - datetime.timedelta(days=3)
    )
    # Not followed by these advisers: no digest entry.
    agreement_milestone(world, agreement=AgreementFactory(), responsible=None)

    sent = run(DUE + datetime.timedelta(days=1))

    digests = [m for m in mail.outbox if m.to[0] in {world.ola.email, kari_too.email}]
    assert len(digests) == 2  # one per adviser, listing both milestones
    # Two digests and the two milestones' own reminders; the third has nobody to tell.
    assert sent == len(mail.outbox) == 4
    digest = next(m for m in digests if m.to[0] == world.ola.email)
    assert digest.subject == "2 milepæler har passert fristen"
    assert "Midtveisrapport – Samarbeidsavtale I LAG – Meråker" in digest.body
    assert "Midtveisrapport – Avtale – Snåsa" in digest.body
    assert f"/milepeler/{first.pk}/" in digest.body
    assert set(
        Reminder.objects.filter(kind=ADVISER).values_list("recipient__username", "step")
    ) == {("ola", 1), ("kari2", 1)}
    assert Reminder.objects.filter(kind=ADVISER).count() == 4

    # Days 2–7 overdue: same week, nothing new for anyone.
    assert run(DUE + datetime.timedelta(days=2)) == 0


# The e-mail -----------------------------------------------------------------------


def test_the_email_is_bokmal_with_date_days_left_and_link(world, settings):
    settings.PORTAL_BASE_URL = "https://ilag.example.no"
    milestone = agreement_milestone(world)

    run(DUE - datetime.timedelta(days=7))

    (message,) = mail.outbox
    assert message.subject == "Frist om 7 dager: Midtveisrapport – Samarbeidsavtale I LAG – Meråker"
    assert message.to == ["kari@example.no"]
    assert message.body.startswith("Hei, Kari Leder!")
    assert "om 7 dager, 03.03.2025" in message.body
    assert "Skal leveres: Midtveisrapport" in message.body
    assert f"https://ilag.example.no/milepeler/{milestone.pk}/" in message.body
    assert "be rådgiveren i fylkeskommunen om å flytte fristen" in message.body


def test_the_overdue_email_says_how_long_ago(world):
    agreement_milestone(world)

    run(DUE + datetime.timedelta(days=8))

    message = next(m for m in mail.outbox if m.to == ["kari@example.no"])
    assert message.subject.startswith("Fristen gikk ut for 8 dager siden: Midtveisrapport")
    assert "03.03.2025, for 8 dager siden" in message.body
    assert "hver uke" in message.body


def test_a_failing_mail_server_rolls_the_row_back_and_the_next_run_retries(world):
    agreement_milestone(world)
    day = DUE - datetime.timedelta(days=7)

    with mock.patch("evaluations.reminders.send_mail", side_effect=smtplib.SMTPException("nede")):
        assert run(day) == 0
    assert not Reminder.objects.exists()

    assert run(day) == 1
    assert Reminder.objects.count() == 1


def test_queries_do_not_grow_with_the_number_of_milestones(world):
    def queries_for_a_quiet_run():
        run(DUE - datetime.timedelta(days=7))  # sends what is due
        with CaptureQueriesContext(connection) as queries:
            assert run(DUE - datetime.timedelta(days=7)) == 0
        return len(queries)

    project = ProjectFactory(agreement=world.agreement, municipalities=[world.meraker])

    def one_of_each():
        agreement_milestone(world)
        agreement_milestone(world, agreement=None, project=project, responsible=None)
        MilestoneFactory(programme=world.programme, kind=Milestone.Kind.OTHER, due_date=DUE)

    one_of_each()
    one = queries_for_a_quiet_run()
    for _ in range(3):
        one_of_each()

    assert queries_for_a_quiet_run() == one


# The task and the management command -----------------------------------------------


def test_the_task_takes_an_iso_date_and_returns_the_count(world):
    agreement_milestone(world)

    assert deadline_reminders_send_task("2025-02-24") == 1
    assert deadline_reminders_send_task("2025-02-24") == 0
    assert Reminder.objects.get().step == 7


def test_the_management_command_sends_for_the_given_date(world):
    agreement_milestone(world)
    out = StringIO()

    call_command("send_deadline_reminders", "--date", "2025-03-03", stdout=out)

    assert "1" in out.getvalue() and "2025-03-03" in out.getvalue()
    assert Reminder.objects.get().kind == DUE_KIND
    with pytest.raises(CommandError):
        call_command("send_deadline_reminders", "--date", "03.03.2025", stdout=StringIO())


def test_the_management_command_defaults_to_today(world):
    agreement_milestone(world)
    out = StringIO()

    with time_machine.travel(datetime.datetime(2025, 2, 1, 9, tzinfo=OSLO), tick=False):
        call_command("send_deadline_reminders", stdout=out)

    assert Reminder.objects.get().step == 30
    assert "2025-02-01" in out.getvalue()


@pytest.mark.celery
def test_the_task_runs_in_the_celery_worker(transactional_db, celery_worker_process, world):
    agreement_milestone(world)

    deadline_reminders_send_task.delay("2025-02-24")

    deadline = time.monotonic() + 30
    while not Reminder.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    reminder = Reminder.objects.select_related("recipient").first()
    assert reminder is not None, celery_worker_process.log()
    assert (reminder.recipient, reminder.kind, reminder.step) == (world.kari, BEFORE, 7)


# The milestone page's list ---------------------------------------------------------


def test_the_reminders_partial_lists_what_was_sent(world):
    milestone = agreement_milestone(world)
    for offset in (-30, 0, 1):
        run(DUE + datetime.timedelta(days=offset))
    reminders = milestone.reminders.select_related("recipient")[:50]

    with translation.override("nb"):
        html = render_to_string("evaluations/_reminders.html", {"reminders": reminders})
        empty = render_to_string("evaluations/_reminders.html", {"reminders": []})

    assert "<h2" in html and "Påminnelser" in html and "<caption>" in html
    assert html.count('<th scope="row" role="rowheader" data-label="Til">Kari Leder</th>') == 3
    for label in ("30 dager før", "På fristdagen", "1 uke over fristen"):
        assert label in html
    assert "Varsel til rådgiver (1 uke over fristen)" in html
    assert "ola@example.no" in html
    assert "04.03.2025 06:00" in html  # sent, Oslo time
    assert "03.03.2025" in html  # the due date it was for
    assert "Ingen påminnelser er sendt" in empty and "<table" not in empty


def test_two_concurrent_runs_send_each_reminder_once(transactional_db, world):
    """Both runs see no Reminder row at the start; the second one's insert waits for the
    first one's transaction (held open while its e-mail is sent) and then gives way."""
    agreement_milestone(world)
    agreement_milestone(world, kind=Milestone.Kind.FINAL_REPORT, due_date=DUE)
    day = DUE + datetime.timedelta(days=1)  # two overdue reminders and one digest
    start = threading.Barrier(2)
    sent_mails, lock = [], threading.Lock()

    def slow_send_mail(subject, body, from_email, to):
        time.sleep(0.3)  # keep the transaction open while the other run catches up
        with lock:
            sent_mails.append((subject, tuple(to)))

    results = []

    def one_run():
        try:
            start.wait()
            results.append(deadline_reminders_send(today=day))
        finally:
            connection.close()

    with mock.patch("evaluations.reminders.send_mail", slow_send_mail):
        threads = [threading.Thread(target=one_run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sum(results) == 3, results
    assert len(sent_mails) == len(set(sent_mails)) == 3
    assert Reminder.objects.count() == 4  # two overdue, two digest lines


def test_beat_starts_the_task_daily_at_six_oslo_time(settings):
    from ilag.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]

    assert entry["task"] == deadline_reminders_send_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"
