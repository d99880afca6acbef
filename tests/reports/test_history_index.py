"""The index of the change history (reports.history_index): written as each historical row
is written, by bulk writers that say so, and by the data migration for the rows already
there; what it holds is what the history said when it compared every historical row."""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from documents.models import Document
from evaluations.models import Milestone
from projects.models import BudgetLine, IndicatorValue, ProgressReport, ReportCost
from reports.history import changes_for_agreement, changes_for_project, changes_for_report
from reports.history_index import AUDITED, backfill, encode, index_history
from reports.models import ChangeRecord
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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def save_as(obj, user, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture
def project():
    """A project with a history of every kind: creations, changes (a decimal given as
    text among them), many-to-many changes, deletions, documents, a status report with
    its costs and values, a milestone, and saves that changed nothing shown."""
    programme = ProgrammeFactory()
    agreement = AgreementFactory(
        programme=programme, municipalities=[MunicipalityFactory()], start_date=D(2024, 1, 1)
    )
    project = ProjectFactory(agreement=agreement, title="Start")
    kari = UserFactory(first_name="Kari", last_name="Nordmann")
    category = CostCategoryFactory(programme=programme)
    save_as(project, kari, title="Boliger", leader=kari)
    save_as(project, kari)  # nothing shown
    project._history_user = kari
    project.municipalities.add(MunicipalityFactory(name="Rennebu"))
    line = BudgetLineFactory(project=project, category=category, year=2024, amount=10)
    save_as(line, kari, amount=20)
    # A change dated between two written before it (as the demo data date theirs).
    line._history_date = line.history.earliest().history_date + datetime.timedelta(seconds=1)
    save_as(line, kari, amount=15, note="Tilbakedatert")
    del line._history_date
    funding = FundingLineFactory(project=project, source=OrganisationFactory())
    funding._history_user = kari
    funding.delete()
    indicator = IndicatorFactory(project=project, target=5)
    save_as(indicator, kari, target="12.5")
    report = ProgressReport(
        project=project, period_start=D(2024, 1, 1), period_end=D(2024, 6, 30), created_by=kari
    )
    save_as(report, kari)
    cost = ReportCost.objects.create(report=report, category=category, amount=1)
    save_as(cost, kari, amount=2)
    IndicatorValue.objects.create(report=report, indicator=indicator, value=3)
    save_as(report, kari, status=ProgressReport.Status.SUBMITTED, review_comment="Intern")
    save_as(report, kari, review_comment="Annen intern")  # only an internal field
    for parent in ({"project": project}, {"progress_report": report}):
        document = Document(
            **parent,
            title="Vedlegg",
            file=SimpleUploadedFile("Vedlegg.pdf", b"%PDF-1.4 test"),
            original_name="Vedlegg.pdf",
            content_type="application/pdf",
            size=13,
            uploaded_by=kari,
        )
        save_as(document, kari)
    save_as(document, kari, title="Nytt navn")
    document._history_user = kari
    document.delete()
    milestone = Milestone.objects.create(
        project=project, kind=Milestone.Kind.OTHER, due_date=D(2024, 6, 1)
    )
    save_as(milestone, kari, title="Samling", responsible=kari)
    agreement._history_user = kari
    agreement.other_parties.add(OrganisationFactory())
    save_as(agreement, kari, county_frame=agreement.county_frame + 1)
    return project


# What the history said when it compared every historical row with the one before it, as
# reports.history did before the index: the reference the index is checked against.
OLD_PARENTS = {
    "projects.budgetline": {"project"},
    "projects.fundingline": {"project"},
    "projects.indicator": {"project"},
    "projects.projectshare": {"project"},
    "projects.changerequest": {"project"},
    "projects.progressreport": {"project"},
    "projects.reportcost": {"report"},
    "projects.indicatorvalue": {"report", "indicator"},
    "documents.document": {"project", "agreement", "progress_report", "milestone_report"},
    "evaluations.milestone": {"programme", "agreement", "project"},
    "evaluations.milestonereport": {"milestone"},
    "evaluations.milestoneindicatorresult": {"report", "indicator"},
}
OLD_HIDDEN = {
    "documents.document": {"file", "content_type", "size", "uploaded_by"},
    "projects.progressreport": {"created_by"},
    "evaluations.milestonereport": {"created_by"},
    "projects.changerequest": {"proposed", "base_version"},
}


def old_history(label) -> dict[int, tuple[str, list]]:
    """{history_id: (kind, [[field, old, new], ...])} of every historical row of a model
    that changed something, compared the way reports.history did before the index."""
    model = apps.get_model(label)
    left_out = OLD_PARENTS.get(label, set()) | OLD_HIDDEN.get(label, set())
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in left_out
    ]
    m2m = {}
    for f in model.history.model._history_m2m_fields:
        through = getattr(model.history.model, f.name).model
        target = f.m2m_reverse_field_name() + "_id"
        sets = {}
        for history_id, target_id in through.objects.values_list("history_id", target):
            sets.setdefault(history_id, set()).add(target_id)
        m2m[f.name] = sets
    found = {}
    previous = None
    for row in model.history.order_by("id", "history_date", "history_id"):
        prev = previous if previous is not None and previous.id == row.id else None
        previous = row
        kind = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]

        def ids(name, r):
            return frozenset(m2m[name].get(r.history_id, ()))

        if kind == "deleted":
            raw = []
        elif prev is None:
            raw = [
                (f.name, None, getattr(row, f.attname))
                for f in fields
                # Anything but empty and a false flag (a zero counts).
                if not any(getattr(row, f.attname) is v for v in (None, False))
                and getattr(row, f.attname) != ""
            ]
            raw += [(name, frozenset(), ids(name, row)) for name in m2m if ids(name, row)]
        else:
            raw = [
                (f.name, getattr(prev, f.attname), getattr(row, f.attname))
                for f in fields
                if getattr(prev, f.attname) != getattr(row, f.attname)
            ]
            raw += [
                (name, ids(name, prev), ids(name, row))
                for name in m2m
                if ids(name, prev) != ids(name, row)
            ]
            if not raw:
                continue
        found[row.history_id] = (kind, [[n, encode(o), encode(v)] for n, o, v in raw])
    return found


def indexed(label) -> dict[int, tuple[str, list]]:
    return {r.history_id: (r.kind, r.changes) for r in ChangeRecord.objects.filter(model=label)}


def test_the_index_holds_what_comparing_every_historical_row_showed(project):
    for label in AUDITED:
        assert indexed(label) == old_history(label), label
    assert ChangeRecord.objects.filter(model="projects.project").count() >= 4


def test_a_save_that_changed_only_an_internal_field_is_marked_so(project):
    report = project.progress_reports.get()
    rows = ChangeRecord.objects.filter(model="projects.progressreport", object_id=report.pk)
    newest = rows.latest("history_date", "id")

    assert newest.changes == [["review_comment", "Intern", "Annen intern"]]
    assert list(rows.filter(internal_only=True)) == [newest]


def test_each_entry_is_on_the_pages_that_show_it(project):
    report = project.progress_reports.get()
    milestone = Milestone.objects.get(project=project)
    by_model = {}
    for record in ChangeRecord.objects.all():
        by_model.setdefault(record.model, set()).add(
            (record.project_id, record.agreement_id, record.progress_report_id, record.milestone_id)
        )
    p, a, r, m = project.pk, project.agreement_id, report.pk, milestone.pk

    assert by_model["projects.project"] == {(p, None, None, None)}
    assert by_model["agreements.agreement"] == {(None, a, None, None)}
    assert by_model["projects.progressreport"] == {(p, None, r, None)}
    assert by_model["projects.reportcost"] == {(p, None, r, None)}
    assert by_model["documents.document"] == {(p, None, None, None), (p, None, r, None)}
    assert by_model["evaluations.milestone"] == {(p, None, None, m)}


def test_the_backfill_indexes_the_history_written_before_the_index(project):
    with translation.override("nb"):
        before = [
            changes_for_project(project, limit=None),
            changes_for_agreement(project.agreement, limit=None),
            changes_for_report(project.progress_reports.get(), limit=None),
        ]
    records = sorted(ChangeRecord.objects.values_list("model", "history_id", "changes"))
    ChangeRecord.objects.all().delete()

    backfill(apps, batch=2)  # a few objects at a time

    assert sorted(ChangeRecord.objects.values_list("model", "history_id", "changes")) == records
    with translation.override("nb"):
        assert [
            changes_for_project(project, limit=None),
            changes_for_agreement(project.agreement, limit=None),
            changes_for_report(project.progress_reports.get(), limit=None),
        ] == before
    backfill(apps)  # twice does no harm
    assert ChangeRecord.objects.count() == len(records)


def test_history_written_in_bulk_is_indexed_when_the_writer_says_so(project):
    category = CostCategoryFactory(programme=project.agreement.programme)
    lines = bulk_create_with_history(
        [BudgetLine(project=project, category=category, year=y, amount=y) for y in (2030, 2031)],
        BudgetLine,
    )
    assert not ChangeRecord.objects.filter(model="projects.budgetline", object_id=lines[0].pk)

    index_history(BudgetLine, lines)
    for line in lines:
        line.amount += 1
    bulk_update_with_history(lines, BudgetLine, ["amount"])
    index_history(BudgetLine, lines)

    for line in lines:
        records = ChangeRecord.objects.filter(model="projects.budgetline", object_id=line.pk)
        assert [(r.kind, r.changes) for r in records.order_by("id")] == [
            (
                "created",
                [
                    ["year", None, line.year],
                    ["category", None, category.pk],
                    ["amount", None, line.year],
                ],
            ),
            ("changed", [["amount", line.year, line.year + 1]]),
        ]
    assert indexed("projects.budgetline") == old_history("projects.budgetline")


def test_the_demo_indexed_at_the_end_of_its_loading_equals_the_index_built_afresh():
    """seed_demo indexes its history after loading (indexing_deferred): the entries are
    those a backfill of the same history makes, field for field and page for page."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    fields = [
        f.name for f in ChangeRecord._meta.concrete_fields if f.name not in ("id", "indexed_at")
    ]

    def rows():
        return sorted(ChangeRecord.objects.values_list(*fields), key=lambda row: (row[0], row[1]))

    loaded = rows()
    assert len(loaded) > 500
    ChangeRecord.objects.all().delete()
    backfill(apps)
    assert rows() == loaded
