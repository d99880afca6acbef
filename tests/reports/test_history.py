"""The change history service (reports.history): what each entry says, in bokmål and
Norwegian format, in which order, and at a query cost that does not grow with the rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Role, User
from agreements.models import Agreement, CostCategory
from documents.models import Document
from evaluations.models import Milestone
from municipalities.models import Municipality, Organisation
from projects.models import (
    BudgetLine,
    ChangeRequest,
    FundingLine,
    Indicator,
    IndicatorValue,
    ProgressReport,
    Project,
    ReportCost,
)
from reports.history import (
    ChangeEntry,
    FieldChange,
    changes_for_agreement,
    changes_for_project,
    changes_for_report,
)
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    IndicatorFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def bokmal():
    with translation.override("nb"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def kari():
    return UserFactory(username="kari", first_name="Kari", last_name="Nordmann")


@pytest.fixture
def project():
    programme = ProgrammeFactory()
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[MunicipalityFactory(name="Snåsa")],
        start_date=D(2024, 1, 1),
        end_date=D(2025, 12, 31),
    )
    return ProjectFactory(agreement=agreement, title="Boliger i sentrum", status="draft")


def save_as(obj, user, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


def delete_as(obj, user):
    obj._history_user = user
    obj.delete()


def only(entries, what):
    found = [e for e in entries if e.what == what]
    assert len(found) == 1, [(e.what, e.action) for e in entries]
    return found[0]


def changed(entry) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old, c.new) for c in entry.changes}


def make_document(user, name="Avtale.pdf", **parent):
    document = Document(
        **parent,
        title="Signert avtale",
        file=SimpleUploadedFile(name, b"%PDF-1.4 test"),
        original_name=name,
        content_type="application/pdf",
        size=13,
        uploaded_by=user,
    )
    document._history_user = user
    document.save()
    return document


def make_report(project, user, **values):
    report = ProgressReport(
        project=project,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 6, 30),
        created_by=user,
        **values,
    )
    report._history_user = user
    report.save()
    return report


# What an entry says ---------------------------------------------------------------------


def test_a_change_says_who_when_and_old_and_new_value(project, kari):
    before = timezone.now()
    save_as(project, kari, title="Boliger for unge")

    entry = changes_for_project(project)[0]

    assert isinstance(entry, ChangeEntry)
    assert entry.who == "Kari Nordmann"
    assert before <= entry.when <= timezone.now()
    assert entry.what == "Prosjekt"
    assert entry.action == "Endret"
    assert entry.changes == [FieldChange("Tittel", "Boliger i sentrum", "Boliger for unge")]


def test_a_change_without_a_user_is_by_the_system(project):
    project.title = "Nytt navn"
    project.save()

    assert changes_for_project(project)[0].who == "System"


def test_choices_are_shown_by_their_bokmal_label(project, kari):
    save_as(project, kari, status=Project.Status.ACTIVE)

    assert changed(changes_for_project(project)[0])["Status"] == ("Utkast", "Pågår")


def test_dates_are_shown_as_dd_mm_yyyy(project, kari):
    save_as(project, kari, end_date=D(2025, 6, 30))

    assert changed(changes_for_project(project)[0])["Sluttdato"] == ("31.12.2025", "30.06.2025")


def test_foreign_keys_are_shown_by_name_and_empty_as_a_dash(project, kari):
    leader = UserFactory(first_name="Sigrid", last_name="Snåsa")
    save_as(project, kari, leader=leader)

    assert changed(changes_for_project(project)[0])["Prosjektleder"] == ("–", "Sigrid Snåsa")


def test_booleans_are_shown_as_ja_and_nei(project, kari):
    save_as(project, kari, is_demo=True)

    assert changed(changes_for_project(project)[0])["Demodata"] == ("Nei", "Ja")


def test_money_is_shown_in_kroner_with_grouping(project, kari):
    line = BudgetLineFactory(project=project, year=2024, amount=1_000_000)
    save_as(line, kari, amount=1_250_000)

    entry = changes_for_project(project)[0]

    assert entry.what == f"Budsjettlinje 2024 {line.category.name}"
    assert entry.changes == [
        FieldChange("Beløp", f"kr{NBSP}1{NBSP}000{NBSP}000", f"kr{NBSP}1{NBSP}250{NBSP}000")
    ]


def test_agreement_frame_is_shown_in_kroner(kari):
    agreement = AgreementFactory(county_frame=2_000_000)
    save_as(agreement, kari, county_frame=2_500_000)

    entry = changes_for_agreement(agreement)[0]

    assert entry.what == "Samarbeidsavtale"
    old, new = changed(entry)["Fylkeskommunens økonomiske ramme"]
    assert (old, new) == (f"kr{NBSP}2{NBSP}000{NBSP}000", f"kr{NBSP}2{NBSP}500{NBSP}000")


def test_every_amount_in_kroner_says_its_unit_once(project, kari):
    """Any field labelled «(NOK)» is an amount: the project's grant as well."""
    save_as(project, kari, granted_amount=388_000)

    entry = changes_for_project(project)[0]

    assert changed(entry)["Tilskudd"][1] == f"kr{NBSP}388{NBSP}000"


def test_decimals_use_a_decimal_comma(project, kari):
    indicator = IndicatorFactory(project=project, target=5)
    save_as(indicator, kari, target="12.5")

    entry = changes_for_project(project)[0]

    assert entry.what == "Indikator «Sysselsetting»"
    assert changed(entry)["Målverdi"] == ("5", "12,5")


def test_a_creation_lists_the_values_set(project, kari):
    category = CostCategoryFactory(programme=project.agreement.programme, name="Reiser")
    line = BudgetLine(project=project, year=2024, category=category, amount=40_000)
    line._history_user = kari
    line.save()

    entry = changes_for_project(project)[0]

    assert (entry.what, entry.action, entry.is_creation) == (
        "Budsjettlinje 2024 Reiser",
        "Opprettet",
        True,
    )
    assert {c.field: c.new for c in entry.changes} == {
        "År": "2024",
        "Kostnadspost": "Reiser",
        "Beløp": f"kr{NBSP}40{NBSP}000",
    }


def test_a_creation_lists_zero_amounts_but_not_empty_values_or_false_flags(project, kari):
    line = BudgetLine(project=project, year=2025, category=CostCategoryFactory(), amount=0)
    line._history_user = kari
    line.save()

    changes = changes_for_project(project)[0].changes

    assert [c.field for c in changes] == ["År", "Kostnadspost", "Beløp"]  # no «Merknad»
    assert changes[2].new == f"kr{NBSP}0"


def test_a_deleted_child_is_still_in_the_history(project, kari):
    county = OrganisationFactory(name="Trøndelag fylkeskommune")
    line = FundingLineFactory(project=project, source=county, amount=50_000)
    delete_as(line, kari)

    assert not FundingLine.objects.filter(project=project).exists()
    entry = changes_for_project(project)[0]
    assert (entry.what, entry.action, entry.is_deletion, entry.who) == (
        "Finansieringslinje Trøndelag fylkeskommune",
        "Slettet",
        True,
        "Kari Nordmann",
    )
    assert entry.changes == []


def test_own_contribution_is_named_by_its_municipality(project, kari):
    snasa = project.municipalities.get()
    FundingLine.objects.create(project=project, source_municipality=snasa, amount=10_000)

    entry = changes_for_project(project)[0]

    assert entry.what == "Finansieringslinje Snåsa kommune (egenandel)"


def test_a_related_object_deleted_since_is_named_from_its_history(project, kari):
    category = CostCategoryFactory(programme=project.agreement.programme, name="Kurs")
    line = BudgetLineFactory(project=project, category=category)
    delete_as(line, kari)
    category.delete()

    whats = [e.what for e in changes_for_project(project)]

    assert whats[:2] == ["Budsjettlinje 2024 Kurs", "Budsjettlinje 2024 Kurs"]


def test_a_document_is_named_by_its_file_name_not_its_stored_path(project, kari):
    document = make_document(kari, project=project)
    delete_as(document, kari)

    deleted, uploaded = changes_for_project(project)[:2]

    assert (deleted.what, deleted.action) == ("Dokument «Avtale.pdf»", "Slettet")
    assert (uploaded.what, uploaded.action, uploaded.who) == (
        "Dokument «Avtale.pdf»",
        "Opprettet",
        "Kari Nordmann",
    )
    assert {c.field: c.new for c in uploaded.changes} == {
        "Tittel": "Signert avtale",
        "Filnavn": "Avtale.pdf",
    }


def test_municipalities_of_a_project_are_listed_by_name(project, kari):
    rennebu = MunicipalityFactory(name="Rennebu")
    project._history_user = kari
    project.municipalities.add(rennebu)

    entry = changes_for_project(project)[0]

    assert changed(entry)["Kommuner"] == ("Snåsa", "Rennebu, Snåsa")


def test_a_save_that_changes_nothing_shown_is_left_out(project, kari):
    save_as(project, kari, title="Boliger for unge")
    save_as(project, kari, version=project.version + 1)
    save_as(project, kari)

    entries = [e for e in changes_for_project(project) if e.what == "Prosjekt"]

    assert [e.action for e in entries] == ["Endret", "Endret", "Opprettet"]
    assert entries[1].changes[0].field == "Kommuner"  # the factory's municipalities.set()


# Status reports and agreements ----------------------------------------------------------


def test_report_history_has_its_costs_values_and_documents(project, kari):
    report = make_report(project, kari)
    category = CostCategoryFactory(programme=project.agreement.programme, name="Reiser")
    cost = ReportCost(report=report, category=category, amount=10_000)
    cost._history_user = kari
    cost.save()
    save_as(cost, kari, amount=12_500)
    value = IndicatorValue.objects.create(
        report=report, indicator=IndicatorFactory(project=project), value=3
    )
    make_document(kari, name="Vedlegg.pdf", progress_report=report)
    save_as(report, kari, status=ProgressReport.Status.SUBMITTED, percent_complete=40)

    entries = changes_for_report(report)

    assert [e.what for e in entries] == [
        "Statusrapport",
        "Dokument «Vedlegg.pdf»",
        "Indikatorverdi «Sysselsetting»",
        "Påløpte kostnader Reiser",
        "Påløpte kostnader Reiser",
        "Statusrapport",
    ]
    assert changed(entries[0]) == {"Status": ("Utkast", "Sendt inn"), "Prosent ferdig": ("–", "40")}
    assert changed(entries[3])["Påløpte kostnader hittil"] == (
        f"kr{NBSP}10{NBSP}000",
        f"kr{NBSP}12{NBSP}500",
    )
    assert value.pk


def test_project_history_names_the_report_of_a_reports_child(project, kari):
    report = make_report(project, kari)
    category = CostCategoryFactory(programme=project.agreement.programme, name="Reiser")
    ReportCost.objects.create(report=report, category=category, amount=1)

    whats = [e.what for e in changes_for_project(project)[:2]]

    assert whats == [
        "Påløpte kostnader Reiser (Statusrapport 01.01.2024–30.06.2024)",
        "Statusrapport 01.01.2024–30.06.2024",
    ]


def test_agreement_history_has_its_documents_and_milestones(kari):
    agreement = AgreementFactory()
    milestone = Milestone.objects.create(
        agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT, due_date=D(2024, 12, 15)
    )
    save_as(
        milestone,
        kari,
        status=Milestone.Status.DELIVERED,
        delivered_on=D(2024, 12, 10),
        responsible=kari,
    )
    make_document(kari, agreement=agreement)
    save_as(agreement, kari, status=Agreement.Status.COMPLETED)

    entries = changes_for_agreement(agreement)

    assert [e.what for e in entries[:4]] == [
        "Samarbeidsavtale",
        "Dokument «Avtale.pdf»",
        "Milepæl «Midtveisrapport»",
        "Milepæl «Midtveisrapport»",
    ]
    assert changed(entries[0])["Status"] == ("Aktiv", "Avsluttet")
    assert changed(entries[2]) == {
        "Status": ("Ikke levert", "Levert"),
        "Ansvarlig": ("–", "Kari Nordmann"),
        "Leveringsdato": ("–", "10.12.2024"),
    }


def test_readers_do_not_see_changes_to_reports_they_may_not_read(project, kari):
    project.status = Project.Status.ACTIVE
    project.save()
    draft = make_report(project, kari, risks="Hemmelig utkast")
    approved = make_report(project, kari, status=ProgressReport.Status.APPROVED)
    deleted = make_report(project, kari)
    delete_as(deleted, kari)
    reader = UserFactory(role=Role.COMMITTEE_READER)
    adviser = UserFactory(role=Role.ADVISER, is_superuser=True)

    def report_entries(user):
        return [e for e in changes_for_project(project, user=user) if "Statusrapport" in e.what]

    assert len(report_entries(reader)) == 1
    assert len(report_entries(adviser)) == 4

    def text(entries):
        return " ".join(f"{e.what} {e.changes}" for e in entries)

    assert "Hemmelig utkast" in text(report_entries(adviser))
    assert "Hemmelig utkast" not in text(report_entries(reader))
    assert ProgressReport.objects.filter(pk__in=[draft.pk, approved.pk]).count() == 2


# Order, limit and cost ------------------------------------------------------------------


def test_newest_first_across_the_project_and_its_children(project, kari):
    start = timezone.now()
    line = BudgetLineFactory(project=project, amount=1)
    for minutes, obj, values in [
        (3, project, {"title": "Tre"}),
        (1, line, {"amount": 2}),
        (2, project, {"title": "To"}),
    ]:
        obj._history_date = start + datetime.timedelta(minutes=minutes)
        save_as(obj, kari, **values)
        del obj._history_date

    entries = changes_for_project(project, limit=3)

    assert [e.when - start for e in entries] == [datetime.timedelta(minutes=m) for m in (3, 2, 1)]
    assert [e.what for e in entries][0] == "Prosjekt"


def test_limit_caps_the_entries_overall(project, kari):
    line = BudgetLineFactory(project=project, amount=1)
    for amount in range(2, 12):
        save_as(line, kari, amount=amount)
        save_as(project, kari, title=f"Tittel {amount}")

    entries = changes_for_project(project, limit=5)

    assert len(entries) == 5
    assert changed(entries[0])["Tittel"][1] == "Tittel 11"
    assert len(changes_for_project(project, limit=None)) > 20


def _history_with(changes: int):
    """A project with one of every kind of child, then `changes` further changes spread
    over them."""
    programme = ProgrammeFactory()
    agreement = AgreementFactory(programme=programme, start_date=D(2024, 1, 1))
    project = ProjectFactory(agreement=agreement)
    users = [UserFactory() for _ in range(3)]
    categories = [CostCategoryFactory(programme=programme) for _ in range(3)]
    line = BudgetLineFactory(project=project, category=categories[0], year=2024)
    funding = FundingLineFactory(project=project, source=OrganisationFactory())
    indicator = IndicatorFactory(project=project)
    report = make_report(project, users[0])
    cost = ReportCost.objects.create(report=report, category=categories[1], amount=1)
    value = IndicatorValue.objects.create(report=report, indicator=indicator, value=1)
    document = make_document(users[0], project=project)
    milestone = Milestone.objects.create(
        project=project, kind=Milestone.Kind.OTHER, due_date=D(2024, 6, 1)
    )
    steps = [
        lambda i: save_as(project, users[i % 3], title=f"T{i}", leader=users[(i + 1) % 3]),
        lambda i: save_as(line, users[i % 3], amount=i + 10, category=categories[i % 3]),
        lambda i: save_as(funding, users[i % 3], amount=i + 10),
        lambda i: save_as(cost, users[i % 3], amount=i + 10),
        lambda i: save_as(value, users[i % 3], value=i + 10),
        lambda i: save_as(document, users[i % 3], title=f"D{i}"),
        lambda i: save_as(milestone, users[i % 3], responsible=users[i % 3], title=f"M{i}"),
        lambda i: save_as(report, users[i % 3], percent_complete=i % 100),
    ]
    for i in range(changes):
        steps[i % len(steps)](i)
    extra = BudgetLineFactory(project=project, category=categories[2], year=2025)
    delete_as(extra, users[1])
    return project


def test_query_count_does_not_grow_with_the_history(django_assert_max_num_queries):
    small, large = _history_with(5), _history_with(50)

    with CaptureQueriesContext(connection) as small_queries:
        entries = changes_for_project(small, limit=None)
    assert len(entries) > 10

    with django_assert_max_num_queries(len(small_queries)):
        entries = changes_for_project(large, limit=None)
    assert len(entries) > 55
    assert len(small_queries) <= 25


def test_objects_the_caller_has_loaded_are_named_the_same_without_a_query():
    project = _history_with(10)
    with CaptureQueriesContext(connection) as looking_up:
        expected = changes_for_project(project, limit=None)
    known = [
        *User.objects.all(),
        *CostCategory.objects.all(),
        *Organisation.objects.all(),
        *Municipality.objects.all(),
        *Agreement.objects.all(),
        *Indicator.objects.all(),
        *ProgressReport.objects.all(),
    ]

    with CaptureQueriesContext(connection) as knowing:
        entries = changes_for_project(project, limit=None, known=known)

    assert entries == expected
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in knowing.captured_queries]
    assert len(tables) < len(looking_up)
    # Only the entries themselves (and the history of objects deleted since) are read.
    assert [t for t in tables if "_historical" not in t] == ['"reports_changerecord"']


# The template -----------------------------------------------------------------------


def test_template_shows_the_table_with_old_and_new_values(project, kari):
    save_as(project, kari, title="Boliger for unge")
    FundingLineFactory(project=project)
    delete_as(project.funding_lines.get(), kari)

    html = render_to_string("includes/_history.html", {"history": changes_for_project(project)})

    assert '<section class="history mt-4" aria-labelledby="history-heading">' in html
    assert '<h2 id="history-heading" class="h3">Endringslogg</h2>' in html
    assert "<caption" in html and html.count('<th scope="col" role="columnheader">') == 4
    for heading in ("Tidspunkt", "Hvem", "Hva", "Endring"):
        assert f'<th scope="col" role="columnheader">{heading}</th>' in html
    assert 'Tittel: Boliger i sentrum <span aria-hidden="true">→</span>' in html
    assert "Boliger for unge" in html and "Kari Nordmann" in html
    assert "Slettet" in html and "Opprettet" in html
    assert timezone.localtime().strftime("%d.%m.%Y") in html
    assert "style=" not in html and "<script" not in html


def test_template_takes_a_heading_level_and_says_when_there_is_nothing(project):
    html = render_to_string("includes/_history.html", {"history": [], "history_heading_level": 3})

    assert '<h3 id="history-heading" class="h3">Endringslogg</h3>' in html
    assert "Ingen endringer er registrert." in html


def test_outsiders_never_see_hidden_entries_on_any_page_of_the_history(project, kari):
    project.status = Project.Status.ACTIVE
    project.save()
    draft = make_report(project, kari, risks="Hemmelig utkast")
    approved = make_report(project, kari, status=ProgressReport.Status.APPROVED)
    for n in range(40):
        save_as(draft, kari, risks=f"Hemmelig {n}")
        save_as(approved, kari, review_comment=f"Intern {n}")
        ChangeRequest.objects.create(
            project=project, reason=f"Hemmelig grunn {n}", proposed={}, summary="x", base_version=1
        )
        save_as(project, kari, title=f"Tittel {n}")
    reader = UserFactory(role=Role.COMMITTEE_READER)
    adviser = UserFactory(role=Role.ADVISER, is_superuser=True)

    def every_page(user):
        pages = [changes_for_project(project, user=user, limit=30)]
        while pages[-1].has_older:
            pages.append(changes_for_project(project, user=user, limit=30, page=len(pages) + 1))
        assert all(len(page) == 30 for page in pages[:-1]) and pages[-1]
        return [entry for page in pages for entry in page]

    seen = every_page(reader)
    text = " ".join(f"{e.what} {e.changes}" for e in seen)
    assert "Hemmelig" not in text and "Intern" not in text and "Endringsmelding" not in text
    assert {f"Tittel {n}" for n in range(40)} <= {c.new for e in seen for c in e.changes}
    # The approved report's creation, none of its 40 internal comments.
    assert len([e for e in seen if "Statusrapport" in e.what]) == 1
    everything = every_page(adviser)
    assert len(everything) == len(seen) + 40 * 3 + 1  # the draft's creation too
    assert "Hemmelig" in " ".join(f"{e.what} {e.changes}" for e in everything)
