"""Demonstration data: the I LAG programme (facts from the source documents) and
Hjerteregionen, with invented budgets marked as demo data; plus synthetic volume for
performance work.

Everything is keyed on natural keys and written only when it differs, so running it
twice changes nothing (and writes no history).
"""

import datetime
import itertools
import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import ApiToken, Role, User, role_group
from accounts.services import api_token_create, system_user_create
from accounts.tasks import notices_suppressed
from agreements.models import Agreement, CostCategory, FocusArea, Programme
from evaluations.models import Milestone, MilestoneTemplate, add_months
from evaluations.services import (
    agreement_milestones_create,
    agreement_sign,
    milestone_report_review,
    milestone_report_save,
    milestone_report_start,
    milestone_report_submit,
    programme_copy,
)
from ilag import events
from ilag.cache import bump_data_version
from ilag.events import archivable_event
from ilag.files import report_file_upload_to, reports_storage, store_whole
from ilag.validators import account_number_check_digit
from municipalities.models import Municipality, Organisation
from payouts import services as payouts
from payouts.models import PaymentRequest, Tranche
from payouts.money import cost_ceiling
from payouts.services import TrancheEntry
from projects.models import BudgetLine, FundingLine, Indicator, Project, ProjectShare
from projects.services import (
    BudgetEntry,
    FundingEntry,
    ShareEntry,
    change_reasons,
    change_request_create,
    project_financing_set,
    project_propose,
    project_submit,
    report_create,
    report_review,
    report_save,
    report_submit,
)
from reports.history_index import index_history
from reports.models import ReportOrder
from reports.pdf import render_pdf_document
from reports.reporting import ReportSubject, base_url, report_html
from reports.services import report_order_mark_final

D = datetime.date


def upsert(model, lookup: dict, values: dict):
    """get_or_create that saves an existing row only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.full_clean()
        obj.save()
    return obj, False


def set_m2m(manager, objects):
    if set(manager.all()) != set(objects):
        manager.set(objects)


DEMO_PLAN = [
    TrancheEntry("Ved signering", Decimal(40), None, False, Tranche.Condition.SIGNED, "", None),
    TrancheEntry(
        "Etter godkjent midtveisrapport",
        Decimal(40),
        None,
        False,
        Tranche.Condition.MILESTONE,
        Milestone.Kind.MIDTERM_REPORT,
        None,
    ),
    TrancheEntry("Sluttutbetaling", None, None, True, Tranche.Condition.FINAL_REPORT, "", None),
]


def demo_account_number(municipality_number: str) -> str:
    """An invented account number with a valid MOD11 check digit (demo data)."""
    for serial in range(10):
        first_ten = f"4200{municipality_number}{serial:02d}"[:10].ljust(10, "0")
        check = account_number_check_digit(first_ten)
        if check is not None:
            return f"{first_ten}{check}"
    raise ValueError(municipality_number)


def two_years_from(start: datetime.date) -> datetime.date:
    return start.replace(year=start.year + 2) - datetime.timedelta(days=1)


ORGANISATIONS = [
    # name, short name, kind, organisation number (blank where not verified), partner
    ("Trøndelag fylkeskommune", "TRFK", Organisation.Kind.COUNTY, "817920632", False),
    ("Kommunal- og distriktsdepartementet", "KDD", Organisation.Kind.STATE, "972417858", False),
    (
        "Statsforvalteren i Trøndelag",
        "Statsforvalteren",
        Organisation.Kind.STATE,
        "974764687",
        True,
    ),
    ("Innovasjon Norge", "Innovasjon Norge", Organisation.Kind.STATE, "986399445", True),
    ("Husbanken", "Husbanken", Organisation.Kind.STATE, "", True),
    ("KS", "KS", Organisation.Kind.OTHER, "971032146", True),
    ("Distriktssenteret", "Distriktssenteret", Organisation.Kind.STATE, "", True),
]

# kommunenummer, name, Sami name, region, population and district index (demo figures)
MUNICIPALITIES = [
    ("5041", "Snåsa", "Snåase", "Trøndelag nord", 2050, 22),
    ("5022", "Rennebu", "", "Trøndelag sør", 2500, 30),
    ("5034", "Meråker", "", "Trøndelag øst", 2400, 34),
    ("5046", "Høylandet", "", "Trøndelag nord", 1250, 26),
    ("5033", "Tydal", "", "Trøndelag sør", 770, 20),
    ("5052", "Leka", "", "Trøndelag nord", 560, 16),
]
HJERTEREGIONEN_MUNICIPALITIES = [
    ("5042", "Lierne", "Lijre", "Trøndelag nord", 1300, 18),
    ("5043", "Røyrvik", "Raarvihke", "Trøndelag nord", 470, 12),
    ("5044", "Namsskogan", "", "Trøndelag nord", 850, 17),
    ("5045", "Grong", "", "Trøndelag nord", 2400, 28),
]

# kommunenummer, start, main theme (from the programme's overview)
I_LAG_AGREEMENTS = [
    ("5041", D(2023, 5, 1), "«Vi ble I LAG»"),
    ("5022", D(2023, 5, 1), "Bærekraftig samarbeid"),
    ("5034", D(2023, 10, 1), "Kampen om kvalifisert arbeidskraft"),
    ("5046", D(2024, 4, 1), "Næringsutvikling"),
    ("5033", D(2024, 9, 1), "Stedsutvikling og boligpolitikk"),
    ("5052", D(2024, 9, 1), ""),
]

I_LAG_FOCUS_AREAS = [
    "Boligutvikling",
    "Næringsutvikling",
    "Tjenesteutvikling",
    "Stedsutvikling",
    "Rekruttering av kvalifisert arbeidskraft",
    "Samarbeid og utviklingskapasitet",
]
I_LAG_COST_CATEGORIES = [
    ("Prosjektledelse", True),
    ("Reiser", True),
    ("Kurs og kompetanseheving", True),
    ("Arbeidsgrupper og samlinger", True),
    ("Kjøp av tjenester", True),
    ("Ordinære driftskostnader", False),
    ("Direkte støtte til næringsvirksomhet", False),
]
HJERTEREGIONEN_COST_CATEGORIES = [
    ("Prosjektledelse", True),
    ("Reisevirksomhet", True),
    ("Kurs", True),
    ("Arbeidsgrupper", True),
    ("Ordinære driftskostnader", False),
    ("Frikjøp av politiske ressurser", False),
    ("Bedriftsutvikling", False),
    ("Direkte støtte til næringsvirksomhet", False),
]


@dataclass
class ProjectSpec:
    number: int
    title: str
    focus_area: str | None
    description: str
    goals: str
    indicators: tuple = ()
    partners: tuple = ()  # extra municipality numbers for a joint project
    extra_funder: str | None = None


PM = "Prosjektledelse og prosessledelse"
I_LAG_PROJECTS = {
    "5041": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektleder i 100 % stilling som driver utviklingsarbeidet og deltar i nettverket av I LAG-kommuner.",
            "Varig utviklingskapasitet i kommunen etter prosjektperioden.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Boliger i Snåsa sentrum",
            "Boligutvikling",
            "Kartlegge boligbehovet og legge til rette for utleieboliger i sentrum sammen med Husbanken.",
            "Flere utleieboliger for tilflyttere og unge.",
            ("in_movers_kept",),
            extra_funder="Husbanken",
        ),
        ProjectSpec(
            3,
            "Næringsvennlig kommune",
            "Næringsutvikling",
            "Bedre førstelinjetjeneste for etablerere og bedrifter.",
            "Flere nyetableringer og arbeidsplasser.",
            ("employment", "external_funding"),
        ),
    ],
    "5022": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektledelse og prosessledelse for samarbeidet mellom kommunen og laget rundt.",
            "Bærekraftige samarbeidsmodeller som varer.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Samarbeidsmodell med laget rundt",
            "Samarbeid og utviklingskapasitet",
            "Prøve ut faste møteplasser med Distriktssenteret, KS, Innovasjon Norge og Statsforvalteren.",
            "En modell for samhandling som kan brukes av andre distriktskommuner.",
            ("partner_participation",),
        ),
        ProjectSpec(
            3,
            "Rennebu som bostedskommune",
            "Stedsutvikling",
            "Stedsutvikling og omdømmearbeid for å beholde tilflyttere.",
            "Flere tilflyttere som blir boende.",
            ("in_movers_kept",),
        ),
    ],
    "5034": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektleder som koordinerer arbeidet med kvalifisert arbeidskraft.",
            "Varig kapasitet for rekrutteringsarbeid.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Rekruttering av helsepersonell",
            "Rekruttering av kvalifisert arbeidskraft",
            "Tiltak for å rekruttere og beholde sykepleiere og helsefagarbeidere.",
            "Flere kvalifiserte søkere til ledige stillinger.",
            ("applicants_per_vacancy", "employment"),
        ),
        ProjectSpec(
            3,
            "Kompetansehub Meråker",
            "Næringsutvikling",
            "Et felles kontorfellesskap og kompetansemiljø for fjernarbeidere og lokale bedrifter.",
            "Flere arbeidsplasser i kommunen.",
            ("employment", "external_funding"),
            extra_funder="Innovasjon Norge",
        ),
        ProjectSpec(
            4,
            "Fellesprosjekt: innovative anskaffelser",
            "Samarbeid og utviklingskapasitet",
            "Felles kompetanseheving i innovative anskaffelser for Meråker, Snåsa og Tydal.",
            "Kommunene gjennomfører minst én innovativ anskaffelse hver.",
            ("partner_participation",),
            partners=("5041", "5033"),
        ),
    ],
    "5046": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektledelse for næringsutviklingsarbeidet.",
            "Varig kapasitet for næringsutvikling.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Næringsarealer og etablererservice",
            "Næringsutvikling",
            "Regulere næringsarealer og tilby en etablererservice.",
            "Nye bedrifter etablerer seg på Høylandet.",
            ("employment", "external_funding"),
            extra_funder="Innovasjon Norge",
        ),
    ],
    "5033": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektledelse for steds- og boligutvikling.",
            "Varig utviklingskapasitet.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Boligprogram for Tydal",
            "Boligutvikling",
            "Boligpolitisk plan og bruk av Husbankens virkemidler.",
            "Flere boliger tilgjengelig for tilflyttere.",
            ("in_movers_kept",),
            extra_funder="Husbanken",
        ),
        ProjectSpec(
            3,
            "Sentrumsutvikling på Ås",
            "Stedsutvikling",
            "Medvirkningsprosess og plan for et levende sentrum.",
            "Et attraktivt sentrum som gir bolyst.",
            ("in_movers_kept",),
        ),
    ],
    "5052": [
        ProjectSpec(
            1,
            PM,
            "Samarbeid og utviklingskapasitet",
            "Prosjektledelse og deltakelse i I LAG-nettverket.",
            "Varig utviklingskapasitet i en liten øykommune.",
            ("partner_participation",),
        ),
        ProjectSpec(
            2,
            "Utviklingsplan for Leka",
            "Tjenesteutvikling",
            "Kartlegge tjenestebehov og utviklingsmuligheter sammen med innbyggerne.",
            "En forankret utviklingsplan med tiltak.",
            ("employment",),
        ),
    ],
}

HJERTEREGIONEN_PROJECTS = [
    ProjectSpec(
        1,
        "Prosjektledelse",
        None,
        "Prosjektleder har ansvar for fremdrift og innhold i arbeidet, koordinerer avtaler med samarbeidspartnere og dialog med KDD, og rapporterer til styringsgruppen i Hjerteregionen.",
        "God framdrift og forankring av bygdevekstavtalen.",
    ),
    ProjectSpec(
        2,
        "Økt boligbygging og utvikling av nye botilbud",
        "Bolig",
        "Gjennomføre en mulighetsstudie for minihus i klynger. Arbeidsgruppe etableres med representanter fra hver kommune.",
        "En mulighetsstudie for minihus i klynger.",
        ("in_movers_kept",),
    ),
    ProjectSpec(
        3,
        "Et variert arbeidsliv",
        "Arbeidsliv",
        "Kommunene utreder muligheten for å etablere kompetansehuber i samarbeid med lokalt næringsliv. Arbeidsgruppe etableres med representanter fra hver kommune.",
        "Kompetansehuber i samarbeid med lokalt næringsliv.",
        ("employment",),
    ),
    ProjectSpec(
        4,
        "Felles plan- og utviklingskontor",
        "Samarbeid",
        "Kommunene utlyser utredningsarbeidet for et felles plan- og utviklingskontor. Arbeidsgruppe etableres med representanter fra hver kommune.",
        "Et utredet felles plan- og utviklingskontor.",
        ("partner_participation",),
    ),
    ProjectSpec(
        5,
        "Markedsføring som Hjerteregionen",
        "Omdømme",
        "Det etableres en kommunikasjonsstrategi og plattform for synliggjøring av regionens muligheter. Arbeidsgruppe etableres med representanter fra hver kommune.",
        "En kommunikasjonsstrategi og plattform.",
        ("in_movers_kept",),
    ),
]

# The round that runs from the day the demo is loaded (seed_current_round).
CURRENT_ROUND = "i-lag-ny-runde"
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

INDICATOR_DEFAULTS = {
    "employment": ("arbeidsplasser", 0, 6),
    "in_movers_kept": ("personer", 0, 15),
    "applicants_per_vacancy": ("søkere per stilling", Decimal("1.5"), 4),
    "partner_participation": ("partnere", 2, 6),
    "external_funding": ("kroner", 0, 1500000),
}

# The demo scenario's exceptions (seed_milestone_reports).
LEKA, TYDAL = "5052", "5033"

SYSTEM_USER_NAME = "Styringsdata (Power BI)"

DEMO_USERS = [
    # username, first, last, role, municipality numbers
    ("radgiver", "Randi", "Rådgiver", Role.ADVISER, ()),
    ("leder.snasa", "Sigrid", "Snåsa", Role.PROJECT_LEADER, ("5041",)),
    ("leder.meraker", "Magnus", "Meråker", Role.PROJECT_LEADER, ("5034",)),
    ("politiker", "Per", "Politiker", Role.COMMITTEE_READER, ()),
    ("partner", "Pia", "Partner", Role.PARTNER, ()),
]


# The committee's last two meetings on the current round (weeks before today, case
# number, the adviser's assessment, the proposed decision).
COMMITTEE_MEETINGS = [
    (
        14,
        "10412",
        "Ny runde av I LAG er i gang i fire kommuner. Snåsa og Meråker samarbeider om "
        "rekruttering av fagfolk, Rennebu og Tydal har startet arbeidet med bolyst og "
        "fjellnæring. Oppstartsnotatene er levert eller på vei, og framdriften er som "
        "planlagt. Administrasjonen vurderer at satsingen er godt i gang.",
        "Hovedutvalget tar rapporten om I LAG, ny runde, til orientering.",
    ),
    (
        3,
        "11873",
        "Prosjektene går i hovedsak etter planen. Rennebu melder rødt statuslys fordi "
        "prosjektlederstillingen har stått ubesatt; fylkeskommunen følger opp med kommunen. "
        "Tydals oppstartsnotat er forsinket. Utbetalingene følger utbetalingsplanen.",
        "Hovedutvalget tar rapporten til orientering og ber om en ny vurdering av "
        "Rennebus prosjekt i neste møte.",
    ),
]


class DemoClock:
    """Who did what, and when, in the demo's history. Inside `at(day, user, hour)` every
    historical row is written as done by `user`, and the clock the services and the
    history read (`django.utils.timezone.now`) stands at that day and hour, a second on
    per call, so the demo's history reads as months of work by the demo people instead
    of «System» at the moment the demo was loaded. Only for seeding: one thread, the
    real clock restored on leaving."""

    def __init__(self):
        self.users = []
        pre_create_historical_record.connect(self._who, weak=False, dispatch_uid=id(self))

    def close(self):
        pre_create_historical_record.disconnect(dispatch_uid=id(self))

    def _who(self, sender, history_instance, **kwargs):
        if self.users and self.users[-1] is not None and history_instance.history_user_id is None:
            history_instance.history_user = self.users[-1]

    @contextmanager
    def at(self, day: datetime.date | None, user, hour: int = 10):
        """`day` None keeps the real clock (only the user is set)."""
        real = timezone.now
        if day is not None:
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
            ticks = itertools.count()
            timezone.now = lambda: start + datetime.timedelta(seconds=next(ticks))
        self.users.append(user)
        try:
            yield
        finally:
            self.users.pop()
            timezone.now = real


def last_tuesday_before(day: datetime.date) -> datetime.date:
    """The committee meets on Tuesdays: the last one on or before `day`."""
    return day - datetime.timedelta(days=(day.weekday() - 1) % 7)


class DemoSeeder:
    def __init__(
        self, *, password: str, today: datetime.date, stdout=None, render_reports: bool = True
    ):
        self.password = password
        self.today = today
        self.stdout = stdout
        self.render_reports = render_reports

    def log(self, text):
        if self.stdout:
            self.stdout.write(text)

    def run(self):
        """Everything, in one transaction, telling nobody by e-mail."""
        self.clock = DemoClock()
        try:
            with notices_suppressed(), transaction.atomic():
                self._run()
        finally:
            self.clock.close()

    def _run(self):
        self.organisations = {
            short: upsert(
                Organisation,
                {"name": name},
                {
                    "short_name": short,
                    "kind": kind,
                    "organisation_number": orgnr,
                    "is_partner": partner,
                },
            )[0]
            for name, short, kind, orgnr, partner in ORGANISATIONS
        }
        self.municipalities = {}
        for number, name, sami, region, population, index in (
            MUNICIPALITIES + HJERTEREGIONEN_MUNICIPALITIES
        ):
            self.municipalities[number] = upsert(
                Municipality,
                {"number": number},
                {
                    "name": name,
                    "sami_name": sami,
                    "region": region,
                    "population": population,
                    "district_index": index,
                    "is_demo": True,
                },
            )[0]
        self.users = self.seed_users()
        adviser = self.users["radgiver"]
        # The county's adviser set the programmes up when they were decided; what the
        # municipalities and the adviser did since is dated where it happens below.
        with self.clock.at(D(2023, 6, 20), adviser):
            self.seed_i_lag()
        with self.clock.at(D(2024, 2, 1), adviser):
            self.seed_hjerteregionen()
        with self.clock.at(None, adviser):
            self.seed_current_round()
            self.seed_payouts()
            self.seed_committee_reports()
        self.seed_system_user(adviser)

    def seed_system_user(self, adviser):
        """The county's management reporting reads the API with a key Randi made two
        months ago, used every morning. The key itself is not kept anywhere."""
        if User.objects.filter(is_system=True, first_name=SYSTEM_USER_NAME).exists():
            return
        made = self.today - datetime.timedelta(days=58)
        with self.clock.at(made, adviser, 9):
            system = system_user_create(
                created_by=adviser, name=SYSTEM_USER_NAME, role=Role.COMMITTEE_READER
            )
            token, _key = api_token_create(
                user=system,
                name="Power BI, produksjon",
                expires_on=made + datetime.timedelta(days=365),
                created_by=adviser,
            )
        morning = datetime.datetime.combine(
            self.today - datetime.timedelta(days=1), datetime.time(6, 2)
        )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.make_aware(morning))

    def seed_users(self):
        users = {}
        for username, first, last, role, numbers in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username,
                    email=f"{username}@example.no",
                    password=self.password,
                    first_name=first,
                    last_name=last,
                )
            elif not user.check_password(self.password):
                user.set_password(self.password)
                user.save(update_fields=["password"])
            set_m2m(user.groups, [role_group(role)])
            set_m2m(user.municipalities, [self.municipalities[n] for n in numbers])
            users[username] = user
        self.advisers = [users["radgiver"]]
        operator = User.objects.filter(username="drift").first()
        if operator is None:
            User.objects.create_superuser(
                "drift", "drift@example.no", self.password, first_name="Drift", last_name="Operatør"
            )
        return users

    def seed_i_lag(self):
        owner = self.organisations["TRFK"]
        programme, _ = upsert(
            Programme,
            {"slug": "i-lag"},
            {
                "name": "Distriktssatsinga I LAG",
                "short_name": "I LAG",
                "description": (
                    "Trøndelag fylkeskommunes distriktssatsing for økt utviklingskapasitet på "
                    "varig basis i Leka, Høylandet, Snåsa, Meråker, Tydal og Rennebu, gjennom "
                    "bærekraftig samarbeid med fylkeskommunen og «laget rundt»."
                ),
                "owner": owner,
                "start_date": D(2023, 1, 1),
                "end_date": D(2026, 12, 31),
                "max_grant_per_agreement": 3_000_000,
                "max_county_share_percent": 80,
                "decision_organ": "Fylkesutvalget",
                "decision_date": D(2023, 6, 20),
                "is_demo": True,
            },
        )
        self.follow(programme)
        areas = {
            name: upsert(FocusArea, {"programme": programme, "name": name}, {})[0]
            for name in I_LAG_FOCUS_AREAS
        }
        categories = self.seed_categories(programme, I_LAG_COST_CATEGORIES)
        # The programme's own milestones (the evaluator's and the county's reports) count
        # as delivered on their due date once it has passed.
        for kind, due in [
            (Milestone.Kind.STARTUP_NOTE, D(2023, 12, 15)),
            (Milestone.Kind.CONTINUOUS_EVALUATION, D(2025, 11, 30)),
            (Milestone.Kind.MIDTERM_EVALUATION, D(2024, 12, 15)),
            (Milestone.Kind.MIDTERM_REPORT, D(2024, 12, 15)),
            (Milestone.Kind.FINAL_EVALUATION, D(2025, 11, 15)),
            (Milestone.Kind.FINAL_REPORT, D(2025, 12, 15)),
        ]:
            delivered = due < self.today
            upsert(
                Milestone,
                {"programme": programme, "kind": kind},
                {
                    "title": "",
                    "due_date": due,
                    "status": Milestone.Status.DELIVERED if delivered else Milestone.Status.PLANNED,
                    "delivered_on": due if delivered else None,
                    "responsible": self.users["radgiver"],
                },
            )
        for kind, title, months in [
            (Milestone.Kind.STARTUP_NOTE, "Kommunens oppstartsnotat", 6),
            (Milestone.Kind.MIDTERM_REPORT, "Kommunens midtveisrapport", 12),
            (Milestone.Kind.FINAL_REPORT, "Kommunens sluttrapport", 24),
        ]:
            upsert(
                MilestoneTemplate,
                {"programme": programme, "kind": kind, "title": title},
                {"months_after_start": months, "fixed_date": None},
            )
        leaders = {"5041": self.users["leder.snasa"], "5034": self.users["leder.meraker"]}
        for number, start, theme in I_LAG_AGREEMENTS:
            municipality = self.municipalities[number]
            end = two_years_from(start)
            agreement, _ = upsert(
                Agreement,
                {"programme": programme, "title": f"Samarbeidsavtale I LAG – {municipality.name}"},
                {
                    "theme": theme,
                    "start_date": start,
                    "end_date": end,
                    "county_frame": 2_000_000,
                    "decision_organ": "Fylkesutvalget",
                    "decision_date": D(2023, 6, 20),
                    "status": Agreement.Status.ACTIVE,
                    "signed_date": start,
                    "is_demo": True,
                },
            )
            set_m2m(agreement.municipalities, [municipality])
            agreement_milestones_create(agreement=agreement)
            self.seed_milestone_reports(agreement, number, leaders.get(number))
            specs = I_LAG_PROJECTS[number]
            set_m2m(agreement.focus_areas, {areas[s.focus_area] for s in specs if s.focus_area})
            for spec in specs:
                self.seed_project(
                    agreement,
                    spec,
                    [municipality],
                    areas,
                    categories,
                    leaders.get(number),
                    county_share=0.6,
                )

    def seed_hjerteregionen(self):
        kdd = self.organisations["KDD"]
        programme, _ = upsert(
            Programme,
            {"slug": "hjerteregionen"},
            {
                "name": "Bygdevekstavtale Hjerteregionen",
                "short_name": "Hjerteregionen",
                "description": (
                    "Bygdevekstavtale med staten: inntil 4 millioner kroner for to års arbeid. "
                    "Søknadsfrist 1. november 2023. Midlene kan brukes til prosjektledelse, "
                    "reisevirksomhet, kurs og arbeidsgrupper, men ikke til ordinære "
                    "driftskostnader, frikjøp av politiske ressurser, bedriftsutvikling eller "
                    "direkte støtte til næringsvirksomhet."
                ),
                "owner": kdd,
                "start_date": D(2024, 1, 1),
                "end_date": D(2025, 12, 31),
                "max_grant_per_agreement": 4_000_000,
                "max_county_share_percent": None,
                "is_demo": False,
            },
        )
        self.follow(programme)
        areas = {
            name: upsert(FocusArea, {"programme": programme, "name": name}, {})[0]
            for name in ("Bolig", "Arbeidsliv", "Samarbeid", "Omdømme")
        }
        categories = self.seed_categories(programme, HJERTEREGIONEN_COST_CATEGORIES)
        members = [self.municipalities[n] for n, *_ in HJERTEREGIONEN_MUNICIPALITIES]
        end = D(2025, 12, 31)
        agreement, _ = upsert(
            Agreement,
            {"programme": programme, "title": "Bygdevekstavtale Hjerteregionen"},
            {
                "theme": "Bolig, arbeidsliv, felles plankontor og markedsføring",
                "start_date": D(2024, 1, 1),
                "end_date": end,
                "county_frame": 4_000_000,
                "status": Agreement.Status.ACTIVE,
                "signed_date": D(2024, 1, 1),
                "decision_organ": "Kommunestyret",
                "decision_date": D(2023, 11, 22),
                "is_demo": True,
            },
        )
        set_m2m(agreement.municipalities, members)
        set_m2m(agreement.focus_areas, list(areas.values()))
        for spec in HJERTEREGIONEN_PROJECTS:
            self.seed_project(
                agreement,
                spec,
                members,
                areas,
                categories,
                None,
                county_share=0.7,
                funder_key="KDD",
                co_funder="Statsforvalteren",
            )

    def seed_report(self, project, leader, *, rng_key, end=None):
        """One approved status report a year into the project (or up to `end`; invented,
        like the project's figures), so the overview has lights and costs to show."""
        if project.progress_reports.exists():
            return
        rng = random.Random(rng_key)
        if end is None:
            end = min(
                project.start_date.replace(year=project.start_date.year + 1), project.end_date
            )
            end = end - datetime.timedelta(days=1)
        writer = leader or self.users["radgiver"]
        with self.clock.at(min(end + datetime.timedelta(days=6), self.today), writer, 13):
            self._write_report(project, leader, end, rng)
        with self.clock.at(
            min(end + datetime.timedelta(days=14), self.today), self.users["radgiver"]
        ):
            report = project.progress_reports.get(status="submitted")
            report_review(report=report, user=self.users["radgiver"], approve=True, comment="")

    def _write_report(self, project, leader, end, rng):
        report = report_create(
            project=project, user=leader, period_start=project.start_date, period_end=end
        )
        budget = {}
        for line in project.budget_lines.all():
            budget[line.category_id] = budget.get(line.category_id, 0) + line.amount
        light = rng.choices(["green", "yellow", "red"], weights=[6, 3, 1])[0]
        reasons = {
            "green": "",
            "yellow": "Noe forsinket på grunn av kapasitet i kommunen.",
            "red": "Prosjektlederstillingen har stått ubesatt i tre måneder.",
        }
        indicator_values = {
            indicator.pk: (
                (
                    indicator.baseline
                    + (indicator.target - indicator.baseline)
                    * Decimal(rng.choice([25, 40, 50, 60]))
                    / 100
                ).quantize(Decimal("0.1")),
                "",
            )
            for indicator in project.indicators.all()
        }
        report = report_save(
            report=report,
            version=report.version,
            data={
                "traffic_light": light,
                "traffic_light_reason": reasons[light],
                "percent_complete": rng.randrange(35, 65, 5),
                "achieved": "Arbeidsgruppen er etablert, og de første tiltakene er gjennomført.",
                "next_steps": "Videre arbeid etter planen for neste halvår.",
                "risks": "",
                "lesson_learned": "Tidlig dialog med «laget rundt» gjør arbeidet lettere.",
            },
            costs={
                cat: amount * rng.randrange(30, 60) // 100 // 1000 * 1000
                for cat, amount in budget.items()
            },
            indicator_values=indicator_values,
        )
        report_submit(report=report, version=report.version, user=leader)

    def seed_milestone_reports(self, agreement, number, leader):
        """The milestones already due are delivered and approved, as most are in the
        programme, except for two that show what the dashboard is for: Leka's latest
        report is submitted and waits for the adviser, Tydal's latest is overdue. Reports
        from municipalities without a demo project leader were registered by the adviser."""
        adviser = self.users["radgiver"]
        due = [
            m
            for m in agreement.milestones.order_by("due_date")
            if m.is_report and m.due_date < self.today
        ]
        for index, milestone in enumerate(due):
            latest = index == len(due) - 1
            if latest and number == TYDAL:
                continue
            submitted_on = milestone.due_date - datetime.timedelta(days=3)
            with self.clock.at(submitted_on, leader or adviser, 14):
                report = self._deliver(milestone, agreement, leader or adviser)
            if report is None:
                continue  # seeded before
            if not (latest and number == LEKA):
                reviewed_on = min(milestone.due_date + datetime.timedelta(days=5), self.today)
                with self.clock.at(reviewed_on, adviser):
                    milestone_report_review(report=report, user=adviser, approve=True, comment="")

    def _deliver(self, milestone, agreement, writer, summary=None, sharing=None):
        """The milestone's report written and submitted by `writer`, delivered three days
        before the due date (None if it was seeded before)."""
        report = milestone_report_start(milestone=milestone, user=writer)
        if report.status != report.Status.DRAFT:
            return None
        report = milestone_report_save(
            report=report,
            version=report.version,
            data={
                "summary": (
                    f"{milestone.get_kind_display()} for {agreement.title}: arbeidet går "
                    "etter planen, og kommunen har etablert arbeidsgruppe og styringsgruppe."
                ),
                "knowledge_sharing": "Delt på samlingen for I LAG-kommunene og med fylkeskommunen.",
            },
            results={},
        )
        report = milestone_report_submit(report=report, user=writer)
        milestone.refresh_from_db()
        milestone.delivered_on = milestone.due_date - datetime.timedelta(days=3)
        milestone.save(update_fields=["delivered_on"])
        return report

    def follow(self, programme):
        for adviser in self.advisers:
            if not adviser.programmes.filter(pk=programme.pk).exists():
                adviser.programmes.add(programme)

    def seed_categories(self, programme, categories):
        return {
            name: upsert(
                CostCategory,
                {"programme": programme, "name": name},
                {"eligible": eligible, "position": position},
            )[0]
            for position, (name, eligible) in enumerate(categories)
        }

    def seed_project(
        self,
        agreement,
        spec,
        municipalities,
        areas,
        categories,
        leader,
        *,
        county_share,
        funder_key="TRFK",
        co_funder=None,
        report_end=None,
    ):
        members = list(municipalities) + [self.municipalities[n] for n in spec.partners]
        start, end = agreement.start_date, agreement.end_date
        project, created = upsert(
            Project,
            {"agreement": agreement, "number": spec.number},
            {
                "title": spec.title,
                "description": spec.description,
                "goals": spec.goals,
                "focus_area": areas.get(spec.focus_area) if spec.focus_area else None,
                "leader": leader,
                "start_date": start,
                "end_date": end,
                "is_demo": True,
            },
        )
        set_m2m(project.municipalities, members)
        self.seed_shares(project, members)
        if not project.budget_lines.exists():
            rng = random.Random(f"{agreement.title}/{spec.number}")
            eligible = [c for c in categories.values() if c.eligible]
            chosen = [eligible[0]] + rng.sample(eligible[1:], 2)
            budget = [
                BudgetEntry(
                    year=year, category_id=category.pk, amount=rng.randrange(20, 120) * 1000
                )
                for year in sorted({start.year, end.year, (start.year + end.year) // 2})
                for category in chosen
            ]
            total = sum(e.amount for e in budget)
            grant = int(total * county_share) // 1000 * 1000
            funding = [FundingEntry(source_id=self.organisations[funder_key].pk, amount=grant)]
            rest = total - grant
            if spec.extra_funder or co_funder:
                other = self.organisations[spec.extra_funder or co_funder]
                part = rest // 2 // 1000 * 1000
                funding.append(FundingEntry(source_id=other.pk, amount=part))
                rest -= part
            funding.append(
                FundingEntry(
                    source_municipality_id=municipalities[0].pk,
                    amount=rest,
                    kind=FundingLine.Kind.IN_KIND,
                    note="Egeninnsats i arbeidsgrupper",
                )
            )
            project_financing_set(project=project, budget=budget, funding=funding)
        for kind in spec.indicators:
            unit, baseline, target = INDICATOR_DEFAULTS[kind]
            upsert(
                Indicator,
                {"project": project, "kind": kind},
                {"unit": unit, "baseline": baseline, "target": target},
            )
        # Approved with what the funding plan asks of the programme's owner.
        # Running, also after the period has ended: a project is closed by the adviser
        # after its final report, and its agreement is completed when all are; the
        # ended rounds of the demo wait for that close-out.
        status = Project.Status.ACTIVE
        grant = project.county_total()
        if (project.status, project.granted_amount) != (status, grant):
            project.status, project.granted_amount = Project.Status.ACTIVE, grant
            project.full_clean()
            project.save()
        # The grant decision goes to the archive as when an adviser approves (made once:
        # the archive's key finds the record of an earlier seeding).
        archivable_event(events.PROJECT_APPROVED, project)
        self.seed_report(
            project, leader, rng_key=f"{agreement.title}/{spec.number}/report", end=report_end
        )
        if project.status != status:
            project.status = status
            project.full_clean()
            project.save()
        return project

    def seed_shares(self, project, members):
        """The lead municipality (the first) and, for a joint project, the shares: the
        lead carries the larger part (60/40 for two, 40/20/20/20 for four)."""
        if project.lead_municipality_id != members[0].pk:
            project.lead_municipality = members[0]
            project.save(update_fields=["lead_municipality"])
        if len(members) < 2:
            return
        rest = Decimal(40 if len(members) == 2 else 60) / (len(members) - 1)
        parts = [Decimal(100) - rest * (len(members) - 1)] + [rest] * (len(members) - 1)
        for municipality, part in zip(members, parts, strict=True):
            upsert(
                ProjectShare,
                {"project": project, "municipality": municipality},
                {"percent": part.quantize(Decimal("0.01"))},
            )

    # A round running today ------------------------------------------------------------
    def seed_current_round(self):
        """A new I LAG round, dated from the day the demo is loaded, so that the portal
        shows a programme in use today: a joint agreement for Snåsa and Meråker signed
        some months ago, an ongoing joint project (60/40) with an approved status report
        and a change request waiting, and a proposal waiting for the adviser. All of it
        is invented and marked as demo data. Made once; a later run leaves it be."""
        if Programme.objects.filter(slug=CURRENT_ROUND).exists():
            return
        adviser = self.users["radgiver"]
        snasa, meraker = self.municipalities["5041"], self.municipalities["5034"]
        sigrid = self.users["leder.snasa"]
        year = self.today.year
        with self.clock.at(D(year - 2, 11, 15), adviser):
            programme = programme_copy(
                source=Programme.objects.get(slug="i-lag"),
                name="Distriktssatsinga I LAG, ny runde",
                short_name="I LAG ny runde",
                slug=CURRENT_ROUND,
                start_date=D(year - 1, 1, 1),
                end_date=D(year + 3, 12, 31),
                user=adviser,
            )
            programme.description = (
                "En oppdiktet ny runde av I LAG, laget for å vise portalen i bruk i dag. Avtaler, "
                "prosjekter og tall er demodata."
            )
            programme.target_figure_kinds = ["employment", "in_movers_kept"]
            programme.is_demo = True
            programme.save()
            self.follow(programme)
        # Seven months in: the start-up notes were due some weeks ago.
        start = add_months(self.today - datetime.timedelta(days=25), -6)
        end = add_months(start, 24) - datetime.timedelta(days=1)
        agreement = self._signed_agreement(
            programme,
            [snasa, meraker],
            title="Samarbeidsavtale Snåsa og Meråker",
            theme="Rekruttering og bolig",
            start=start,
            frame=1_500_000,
        )
        # A party added the day it was signed, an hour after: in the history at that
        # moment, not at the moment the demo was loaded.
        with self.clock.at(start - datetime.timedelta(days=10), adviser, 11):
            agreement.other_parties.set([self.organisations["KDD"]])
        areas = {area.name: area for area in programme.focus_areas.all()}
        categories = {c.name: c for c in programme.cost_categories.all()}
        with self.clock.at(start, adviser):
            joint = self.seed_project(
                agreement,
                ProjectSpec(
                    1,
                    "Felles rekrutteringskampanje",
                    None,
                    "Snåsa og Meråker rekrutterer fagfolk sammen: felles kampanje, "
                    "mottaksapparat og boligformidling.",
                    "Ti nye fagfolk bosatt i de to kommunene innen prosjektslutt.",
                    indicators=("employment", "in_movers_kept"),
                    partners=("5034",),
                ),
                [snasa],
                areas,
                categories,
                sigrid,
                county_share=0.5,
                report_end=self.today - datetime.timedelta(days=30),
            )
            agreement.status = Agreement.Status.ACTIVE
            agreement.save()
        with self.clock.at(self.today - datetime.timedelta(days=5), sigrid, 11):
            # A change request waiting: the leader asks for kr 50 000 more from the county.
            budget = [
                BudgetEntry(line.year, line.category_id, line.amount, line.note)
                for line in joint.budget_lines.all()
            ]
            funding = [
                FundingEntry(
                    line.amount
                    + (50_000 if line.source_id == programme.owner_id else 0)
                    - (50_000 if line.source_municipality_id else 0),
                    line.kind,
                    line.source_id,
                    line.source_municipality_id,
                    line.note,
                )
                for line in joint.funding_lines.all()
            ]
            joint.refresh_from_db()
            change_request_create(
                project=joint,
                version=joint.version,
                user=sigrid,
                reason="Annonsering i riksmedier ble dyrere enn antatt.",
                reasons=change_reasons(joint, budget=budget, funding=funding),
                budget=budget,
                funding=funding,
            )
        with self.clock.at(self.today - datetime.timedelta(days=2), sigrid, 9):
            # A proposal waiting for the adviser.
            proposal = project_propose(
                agreement=agreement,
                user=sigrid,
                data={
                    "title": "Boligstrategi for Snåsa sentrum",
                    "description": "Kartlegge boligbehovet og legge til rette for utleieboliger.",
                    "goals": "En vedtatt boligstrategi og tolv nye utleieboliger.",
                    "leader": sigrid,
                    "start_date": start + datetime.timedelta(days=120),
                    "end_date": end,
                },
                shares=[ShareEntry(snasa.pk, Decimal(100))],
                lead_id=snasa.pk,
            )
            proposal.is_demo = True
            proposal.save(update_fields=["is_demo"])
            eligible = [c for c in categories.values() if c.eligible]
            years = sorted({proposal.start_date.year, proposal.end_date.year})
            project_financing_set(
                project=proposal,
                budget=[BudgetEntry(y, eligible[0].pk, 150_000) for y in years],
                funding=[
                    FundingEntry(75_000 * len(years), source_id=programme.owner_id),
                    FundingEntry(
                        75_000 * len(years),
                        kind=FundingLine.Kind.IN_KIND,
                        source_municipality_id=snasa.pk,
                    ),
                ],
            )
            for kind in programme.target_figure_kinds:
                unit, baseline, target = INDICATOR_DEFAULTS[kind]
                Indicator.objects.create(
                    project=proposal, kind=kind, unit=unit, baseline=baseline, target=target
                )
            proposal.refresh_from_db()
            project_submit(project=proposal, version=proposal.version, user=sigrid)
        with self.clock.at(start, adviser):
            agreement_milestones_create(agreement=agreement)
        # Snåsa and Meråker's start-up note is in and waits for the adviser.
        self.seed_current_milestone_reports(agreement, sigrid, approve_latest=False)
        self.seed_current_agreement(
            programme,
            self.municipalities["5022"],
            # Almost a year in: the mid-term report is due in a couple of weeks.
            start=add_months(self.today + datetime.timedelta(days=18), -12),
            theme="Bolyst og stedsutvikling",
            spec=ProjectSpec(
                1,
                "Bolyst i Rennebu sentrum",
                None,
                "Møteplasser, boligtomter og et levende sentrum i Berkåk.",
                "Tjue nye innbyggere og et nytt møtested i sentrum innen prosjektslutt.",
                indicators=("in_movers_kept",),
            ),
            areas=areas,
            categories=categories,
        )
        self.seed_current_agreement(
            programme,
            self.municipalities["5033"],
            # Half a year in: the start-up note is overdue.
            start=add_months(self.today - datetime.timedelta(days=12), -6),
            theme="Næringsutvikling i fjellregionen",
            spec=ProjectSpec(
                1,
                "Fjellnæring i Tydal",
                None,
                "Et nettverk for reiseliv og lokalmat, med felles markedsføring.",
                "Fem nye arbeidsplasser i reiseliv og lokalmat.",
                indicators=("employment",),
            ),
            areas=areas,
            categories=categories,
        )

    def seed_committee_reports(self):
        """The reports to the committee for its last two meetings on the current round,
        final, with the adviser's assessment: what a committee reader lands on. The PDFs
        are really made (WeasyPrint), as of a week before each meeting; `render_reports`
        False (the tests' default, for speed) leaves them out. Made once."""
        programme = Programme.objects.filter(slug=CURRENT_ROUND).first()
        if not self.render_reports or programme is None:
            return
        if ReportOrder.objects.filter(programme=programme, is_final=True).exists():
            return
        adviser = self.users["radgiver"]
        for weeks_ago, number, assessment, decision in COMMITTEE_MEETINGS:
            meeting = last_tuesday_before(self.today - datetime.timedelta(weeks=weeks_ago))
            cutoff = timezone.make_aware(
                datetime.datetime.combine(meeting - datetime.timedelta(days=8), datetime.time(9))
            )
            with self.clock.at(cutoff.date(), adviser, 9):
                order = ReportOrder.objects.create(
                    kind=ReportOrder.Kind.PROGRAMME,
                    programme=programme,
                    ordered_by=adviser,
                    language=settings.LANGUAGE_CODE,
                    meeting_organ="Hovedutvalg for næring",
                    meeting_date=meeting,
                    case_number=f"{meeting.year}/{number}",
                    assessment=assessment,
                    proposed_decision=decision,
                )
                rendered = render_pdf_document(
                    report_html(ReportSubject.of(order), user=adviser, cutoff=cutoff, order=order),
                    base_url=base_url(),
                )
                name = store_whole(
                    reports_storage(), report_file_upload_to(order, "rapport.pdf"), rendered.content
                )
                order.status = ReportOrder.Status.READY
                order.file.name = name
                order.pages, order.size = rendered.pages, len(rendered.content)
                order.data_cutoff = order.started_at = cutoff
                order.finished_at = cutoff + datetime.timedelta(minutes=1)
                order.save()
            with self.clock.at(meeting - datetime.timedelta(days=6), adviser, 14):
                report_order_mark_final(order=order, user=adviser)

    def seed_current_agreement(
        self, programme, municipality, *, start, theme, spec, areas, categories
    ):
        """One more municipality in the current round (demo), with a running project and
        the milestone reports due so far delivered and approved (registered by the
        adviser, as for municipalities without a demo login)."""
        adviser = self.users["radgiver"]
        agreement = self._signed_agreement(
            programme,
            [municipality],
            title=f"Samarbeidsavtale {municipality.name}",
            theme=theme,
            start=start,
            frame=1_000_000,
        )
        with self.clock.at(start, adviser):
            self.seed_project(
                agreement,
                spec,
                [municipality],
                areas,
                categories,
                None,
                county_share=0.5,
                report_end=self.today - datetime.timedelta(days=45),
            )
            agreement.status = Agreement.Status.ACTIVE
            agreement.save()
            agreement_milestones_create(agreement=agreement)
        self.seed_current_milestone_reports(agreement, None, approve_latest=True, skip_overdue=True)

    def _signed_agreement(self, programme, municipalities, *, title, theme, start, frame):
        """A two-year agreement of the current round (demo) from `start`, decided by the
        committee a month before and signed ten days before."""
        adviser = self.users["radgiver"]
        with self.clock.at(start - datetime.timedelta(days=30), adviser):
            agreement = Agreement.objects.create(
                programme=programme,
                title=title,
                theme=theme,
                start_date=start,
                end_date=add_months(start, 24) - datetime.timedelta(days=1),
                county_frame=frame,
                decision_organ="Hovedutvalg for næring",
                decision_date=start - datetime.timedelta(days=30),
                is_demo=True,
            )
            agreement.municipalities.set(municipalities)
        with self.clock.at(start - datetime.timedelta(days=10), adviser):
            agreement_sign(
                agreement=agreement,
                signed_date=start - datetime.timedelta(days=10),
                document=ContentFile(
                    DEMO_PDF, name=f"samarbeidsavtale-{municipalities[0].number}.pdf"
                ),
                user=adviser,
            )
        agreement.refresh_from_db()
        return agreement

    def seed_current_milestone_reports(
        self, agreement, leader, *, approve_latest: bool, skip_overdue: bool = False
    ):
        """The agreement's report milestones already due: delivered three days early and
        approved, except that the latest waits for the adviser (`approve_latest` False);
        with `skip_overdue`, a milestone due less than three weeks ago is left overdue."""
        adviser = self.users["radgiver"]
        due = [
            m
            for m in agreement.milestones.order_by("due_date")
            if m.is_report and m.due_date < self.today
        ]
        for index, milestone in enumerate(due):
            latest = index == len(due) - 1
            if skip_overdue and (self.today - milestone.due_date).days < 21:
                continue
            submitted_on = milestone.due_date - datetime.timedelta(days=3)
            with self.clock.at(submitted_on, leader or adviser, 14):
                report = self._deliver(
                    milestone,
                    agreement,
                    leader or adviser,
                    summary=(
                        f"{milestone.get_kind_display()} for {agreement.title}: "
                        "arbeidsgruppen er i gang, og de første tiltakene er satt i verk."
                    ),
                    sharing="Delt på nettverkssamlingen for kommunene i runden.",
                )
            if report is not None and (approve_latest or not latest):
                reviewed_on = min(milestone.due_date + datetime.timedelta(days=5), self.today)
                with self.clock.at(reviewed_on, adviser):
                    milestone_report_review(report=report, user=adviser, approve=True, comment="")

    # Volume for performance work -------------------------------------------------
    def seed_payouts(self):
        """The grants' money in I LAG (demo): a default payout plan (40 % on signing, 40 %
        once the municipality's mid-term report is approved, the rest after the final
        report), each agreement starting from it; the first tranche requested, approved
        and paid for most projects, one payout ordered and not yet paid, one request
        waiting, one returned, and one project settled with a claw-back. Every request
        goes through the same rules as in the portal; invented account numbers."""
        for number, municipality in self.municipalities.items():
            if not municipality.bank_account_number:
                municipality.bank_account_number = demo_account_number(number)
                municipality.save(update_fields=["bank_account_number"])
        programme = Programme.objects.get(slug="i-lag")
        adviser = self.users["radgiver"]
        if not programme.tranches.exists():
            payouts.plan_save(holder=programme, entries=DEMO_PLAN, user=adviser)
        self.seed_current_payouts(programme, adviser)
        projects = list(
            Project.objects.filter(agreement__programme=programme, status=Project.Status.ACTIVE)
            .select_related("agreement__programme")
            .prefetch_related("municipalities")
            .order_by("agreement__start_date", "number", "pk")
        )
        for agreement in {p.agreement for p in projects}:
            payouts.plan_copy(source=programme, target=agreement, user=adviser)
        if PaymentRequest.objects.filter(project__in=projects).exists():
            return
        leaders = {"5041": self.users["leder.snasa"], "5034": self.users["leder.meraker"]}
        voucher, made = 24_001, 0
        # The last few requests are this week's work (returned, waiting, ordered); the
        # others were requested, approved and paid in the weeks after the report they
        # rest on was approved.
        recent = {2: 6, 3: 2, 5: 5}  # the request made as number N: days ago
        for index, project in enumerate(projects):
            leader = (
                next(
                    (
                        leaders[m.number]
                        for m in project.municipalities.all()
                        if m.number in leaders
                    ),
                    None,
                )
                or User.objects.filter(municipalities__in=project.municipalities.all()).first()
            )
            if leader is None:
                continue
            submitted, reviewed, paid = self.payout_days(project, recent.get(made + 1))
            with self.clock.at(submitted, leader, 11):
                request = self.demo_request(project, leader, part=1 if index % 4 == 3 else 0)
            if request is None:
                continue
            made += 1
            if made == 2:
                with self.clock.at(reviewed, adviser, 9):
                    payouts.request_review(
                        request=request,
                        user=adviser,
                        approve=False,
                        comment="Legg ved timelister for prosjektlederen før vi utbetaler.",
                    )
                continue
            if made == 3:
                continue  # waits for the adviser
            with self.clock.at(reviewed, adviser, 9):
                payouts.request_review(request=request, user=adviser, approve=True, comment="")
            if made == 5:
                continue  # ordered, not yet paid
            voucher = self.mark_paid(request, adviser, paid, voucher)
        self.seed_settlement(projects, adviser)

    def mark_paid(self, request, adviser, day, voucher: int) -> int:
        """The request's payouts paid on `day`, with voucher numbers from `voucher` on;
        returns the next number."""
        with self.clock.at(day, adviser, 14):
            for payout in request.payouts.all():
                payouts.payout_mark_paid(
                    payout=payout,
                    version=payout.version,
                    user=adviser,
                    paid_on=day,
                    voucher_number=f"DEMO-{voucher}",
                )
                voucher += 1
        return voucher

    def payout_days(self, project, days_ago=None):
        """When a demo payment request of `project` is submitted, reviewed and paid:
        `days_ago` for this week's work; otherwise some days after the latest approved
        report it rests on (or the project's approval), and at the latest a week ago."""
        if days_ago is not None:
            submitted = self.today - datetime.timedelta(days=days_ago)
            return submitted, submitted + datetime.timedelta(days=2), None
        report = project.progress_reports.filter(status="approved").order_by("-reviewed_at").first()
        approved = report.reviewed_at if report else project.reviewed_at
        base = timezone.localdate(approved) if approved else project.start_date
        week_ago = self.today - datetime.timedelta(days=7)
        submitted = max(base, min(base + datetime.timedelta(days=9), week_ago))
        reviewed = min(submitted + datetime.timedelta(days=3), self.today)
        return submitted, reviewed, min(reviewed + datetime.timedelta(days=4), self.today)

    def seed_current_payouts(self, i_lag, adviser):
        """The current round starts from I LAG's plan; its ongoing projects have had the
        tranche paid on signing (demo), so the dashboard it opens on shows money paid."""
        current = Programme.objects.filter(slug=CURRENT_ROUND).first()
        if current is None:
            return
        payouts.plan_copy(source=i_lag, target=current, user=adviser)
        projects = list(
            Project.objects.filter(agreement__programme=current, status=Project.Status.ACTIVE)
            .select_related("agreement__programme", "lead_municipality")
            .order_by("pk")
        )
        for agreement in {p.agreement for p in projects}:
            payouts.plan_copy(source=current, target=agreement, user=adviser)
        if PaymentRequest.objects.filter(project__in=projects).exists():
            return
        for number, project in enumerate(projects, start=1):
            leader = User.objects.filter(municipalities=project.lead_municipality).first()
            if leader is None:
                continue
            submitted, reviewed, paid = self.payout_days(project)
            with self.clock.at(submitted, leader, 11):
                request = self.demo_request(project, leader)
            if request is None:
                continue
            with self.clock.at(reviewed, adviser, 9):
                payouts.request_review(request=request, user=adviser, approve=True, comment="")
            self.mark_paid(request, adviser, paid, 30_000 + number)

    def demo_request(self, project, leader, *, part=0, final=False):
        """A submitted request for what the tranche and the costs allow (None if nothing)."""
        states = [s for s in payouts.tranche_states(project) if s.tranche.is_final == final]
        state = states[min(part, len(states) - 1)] if states else None
        if state is None or not state.is_met or not state.available:
            return None
        costs = payouts.latest_approved_costs(project)
        cap = project.agreement.programme.max_county_share_percent
        money = payouts.project_money(project)
        amount = min(
            state.available,
            cost_ceiling(sum(costs.values()), cap) - money.committed - money.requested,
        )
        if amount <= 0:
            return None
        request = payouts.request_create(
            project=project,
            user=leader,
            tranche=state.tranche,
            amount=amount,
            comment="",
            costs=costs,
        )
        return payouts.request_submit(
            request=request, version=request.version, user=leader, confirmed=True, attachments=1
        )

    def seed_settlement(self, projects, adviser):
        """One project whose costs came in lower: its final report approved, its final
        request documenting less than half the budget, so the grant is reduced and what
        was paid above the programme's share is claimed back."""
        # Not Snåsa's: leder.snasa's demo projects are still reporting.
        paid = [
            p
            for p in projects
            if p.payouts.filter(paid_on__isnull=False).exists()
            and "5041" not in {m.number for m in p.municipalities.all()}
        ]
        if not paid:
            return
        project = paid[0]
        leader = next(
            (u for u in User.objects.filter(municipalities__in=project.municipalities.all())),
            None,
        )
        if leader is None:
            return
        # Settled in the last three weeks, after its last payout.
        last_paid = max(
            project.payouts.filter(paid_on__isnull=False).values_list("paid_on", flat=True)
        )
        first = max(
            last_paid + datetime.timedelta(days=1), self.today - datetime.timedelta(days=20)
        )
        reported, approved, requested, settled = (
            min(first + datetime.timedelta(days=n), self.today) for n in (0, 4, 8, 11)
        )
        with self.clock.at(reported, leader, 13):
            final_report = report_create(
                project=project,
                user=leader,
                period_start=project.start_date,
                period_end=min(project.end_date, self.today),
            )
            final_report = report_save(
                report=final_report,
                version=final_report.version,
                data={
                    "is_final": True,
                    "traffic_light": "green",
                    "percent_complete": 100,
                    "achieved": "Prosjektet er gjennomført; noen tiltak ble rimeligere enn budsjettert.",
                },
                costs={},
                indicator_values={},
            )
            final_report = report_submit(
                report=final_report, version=final_report.version, user=leader
            )
        with self.clock.at(approved, adviser, 10):
            report_review(report=final_report, user=adviser, approve=True, comment="")
        money = payouts.project_money(project)
        cap = project.agreement.programme.max_county_share_percent or 100
        # Documented costs that allow 50 000 less than has been paid.
        documented = max(0, (money.committed - 50_000)) * 100 // cap
        categories = list(payouts.cost_categories(project).filter(eligible=True)[:1])
        if not categories or documented <= 0:
            return
        with self.clock.at(requested, leader, 11):
            request = payouts.request_create(
                project=project,
                user=leader,
                tranche=next(
                    s.tranche for s in payouts.tranche_states(project) if s.tranche.is_final
                ),
                amount=0,
                comment="Sluttregnskap vedlagt (demo).",
                costs={categories[0].pk: documented},
            )
            request = payouts.request_submit(
                request=request, version=request.version, user=leader, confirmed=True, attachments=1
            )
        with self.clock.at(settled, adviser, 9):
            payouts.request_review(request=request, user=adviser, approve=True, comment="")

    def seed_synthetic(self, count: int):
        """Ensure `count` synthetic projects exist in the synthetic programme."""
        owner = self.organisations["TRFK"]
        programme, _ = upsert(
            Programme,
            {"slug": "syntetisk"},
            {
                "name": "Syntetisk testprogram (ytelse)",
                "short_name": "Syntetisk",
                "description": "Oppdiktede kommuner og prosjekter for ytelsesmålinger.",
                "owner": owner,
                "start_date": D(2024, 1, 1),
                "end_date": D(2027, 12, 31),
                "max_grant_per_agreement": None,
                "max_county_share_percent": 80,
                "is_demo": True,
            },
        )
        self.follow(programme)
        categories = list(self.seed_categories(programme, I_LAG_COST_CATEGORIES[:3]).values())
        area = upsert(FocusArea, {"programme": programme, "name": "Syntetisk"}, {})[0]
        existing = Project.objects.filter(agreement__programme=programme).count()
        missing = count - existing
        if missing <= 0:
            return 0
        per_municipality = 10
        projects = []
        rng = random.Random(existing)
        start, end = D(2025, 1, 1), D(2026, 12, 31)
        for i in range(existing, count):
            m_index, p_index = divmod(i, per_municipality)
            number = f"{9000 + m_index % 1000:04d}"
            municipality = Municipality.objects.filter(number=number).first()
            if municipality is None:
                municipality = Municipality.objects.create(
                    number=number,
                    name=f"Testkommune {m_index + 1:03d}",
                    region="Syntetisk",
                    population=rng.randrange(300, 5000),
                    district_index=rng.randrange(5, 60),
                    is_demo=True,
                )
            agreement = Agreement.objects.filter(
                programme=programme, municipalities=municipality
            ).first()
            if agreement is None:
                agreement = Agreement.objects.create(
                    programme=programme,
                    title=f"Syntetisk avtale – {municipality.name}",
                    start_date=start,
                    end_date=end,
                    county_frame=10_000_000,
                    status=Agreement.Status.ACTIVE,
                    signed_date=start,
                    is_demo=True,
                )
                agreement.municipalities.add(municipality)
            projects.append(
                (
                    municipality,
                    Project(
                        agreement=agreement,
                        number=p_index + 1,
                        title=f"Syntetisk prosjekt {i + 1:05d}",
                        description="Oppdiktet prosjekt for ytelsesmålinger.",
                        focus_area=area,
                        status=Project.Status.ACTIVE,
                        lead_municipality=municipality,
                        start_date=start,
                        end_date=end,
                        is_demo=True,
                    ),
                )
            )
        created = bulk_create_with_history([p for _, p in projects], Project, batch_size=500)
        # Bulk inserts send no signals: the change history's index is written here (before
        # the municipalities' rows below, which are indexed as they are written).
        index_history(Project, created)
        # One add per project, not a bulk insert, so the m2m history is written too.
        for (municipality, _), project in zip(projects, created, strict=True):
            project.municipalities.add(municipality)
        budget, funding, indicators = [], [], []
        for (municipality, _), project in zip(projects, created, strict=True):
            amounts = [rng.randrange(50, 300) * 1000 for _ in range(6)]
            for k, amount in enumerate(amounts):
                budget.append(
                    BudgetLine(
                        project=project,
                        year=2025 + k // 3,
                        category=categories[k % 3],
                        amount=amount,
                    )
                )
            total = sum(amounts)
            grant = total // 2
            project.granted_amount = grant
            funding.append(FundingLine(project=project, source=owner, amount=grant))
            funding.append(
                FundingLine(
                    project=project,
                    source_municipality=municipality,
                    kind=FundingLine.Kind.IN_KIND,
                    amount=total - grant,
                )
            )
            indicators.append(
                Indicator(
                    project=project,
                    kind="employment",
                    unit="arbeidsplasser",
                    baseline=0,
                    target=rng.randrange(1, 20),
                )
            )
        bulk_update_with_history(created, Project, ["granted_amount"], batch_size=1000)
        index_history(Project, created)
        for model, rows in [(BudgetLine, budget), (FundingLine, funding), (Indicator, indicators)]:
            index_history(model, bulk_create_with_history(rows, model, batch_size=1000))
        # Bulk inserts send no signals: pages cached from the earlier data are stale.
        bump_data_version()
        # Fresh statistics, so the planner does not take these tables for empty (it
        # may, inside the transaction that filled them).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return len(created)
