"""The index of the change history («Endringslogg»): a `ChangeRecord` for every historical
row that changed something shown, with the change itself and the pages that show it.

A page of the history then reads the entries it shows in one indexed query, however many
historical tables feed it and however long the history. What an entry changed is worked
out here once, when its historical row is written: the row is compared with the row
before it of the same object (one indexed query), and the many-to-many fields with the
related ids recorded for each (one query per such field).

Written by simple_history's `post_create_historical_record` signal, which comes after
the row's many-to-many snapshot, for every row written by save(), delete() and the
many-to-many signals; simple_history's bulk helpers send no signal, so whoever uses them
calls `index_history` with the rows they return. This is the history's own bookkeeping,
like the historical rows themselves, not domain logic: hence a signal.

The same code fills the index from the historical rows already there (`backfill`, for the
data migration), given the migration's models instead of the live ones.
"""

import contextlib
import datetime
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps as live_apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.files import FieldFile
from django.utils.dateparse import parse_date, parse_datetime, parse_time

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
KINDS = {"+": CREATED, "~": CHANGED, "-": DELETED}

# Between the county and the municipality only: a return comment is not published
# matter, so committee readers and partners (and the committee PDFs) never see it.
INTERNAL_FIELDS = frozenset({"review_comment"})

BATCH = 500


@dataclass(frozen=True)
class Audited:
    """An audited model whose history the pages show."""

    app_label: str
    name: str  # the model's class name
    # Foreign keys to the object a page is about: the same in every row, never listed.
    parents: frozenset[str] = frozenset()
    # Set by the system, equal to the history's own «who», or shown through another field
    # (a document's stored path is a generated name; its original file name is shown).
    hidden: frozenset[str] = frozenset()
    # Attribute names of the values the entry's description needs.
    subject: tuple[str, ...] = ()
    # Many-to-many fields kept in the history: (field name, historical through model,
    # the attribute of the related id in it).
    m2m: tuple[tuple[str, str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.name.lower()}"

    def history_model(self, registry):
        return registry.get_model(self.app_label, f"Historical{self.name}")

    def fields(self, registry) -> list[models.Field]:
        """The fields an entry lists, in the order of the model as it is now (a
        migration's model has its fields in the order the migrations added them)."""
        model = registry.get_model(self.app_label, self.name)
        order = {
            f.name: n
            for n, f in enumerate(live_apps.get_model(self.app_label, self.name)._meta.fields)
        }
        left_out = self.parents | self.hidden
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in left_out
        ]
        return sorted(fields, key=lambda f: order.get(f.name, len(order)))


_MILESTONE_PARENTS = frozenset({"programme", "agreement", "project"})
_DOCUMENT_PARENTS = frozenset({"project", "agreement", "progress_report", "milestone_report"})
AUDITED = {
    spec.label: spec
    for spec in [
        Audited(
            "projects",
            "Project",
            m2m=(("municipalities", "HistoricalProject_municipalities", "municipality_id"),),
        ),
        Audited(
            "agreements",
            "Agreement",
            m2m=(
                ("municipalities", "HistoricalAgreement_municipalities", "municipality_id"),
                ("other_parties", "HistoricalAgreement_other_parties", "organisation_id"),
                ("focus_areas", "HistoricalAgreement_focus_areas", "focusarea_id"),
            ),
        ),
        Audited("projects", "BudgetLine", frozenset({"project"}), subject=("year", "category_id")),
        Audited(
            "projects",
            "FundingLine",
            frozenset({"project"}),
            subject=("source_id", "source_municipality_id"),
        ),
        Audited("projects", "Indicator", frozenset({"project"}), subject=("name", "kind")),
        Audited("projects", "ProjectShare", frozenset({"project"}), subject=("municipality_id",)),
        Audited(
            "projects",
            "ChangeRequest",
            frozenset({"project"}),
            hidden=frozenset({"proposed", "base_version"}),
        ),
        Audited(
            "projects",
            "ProgressReport",
            frozenset({"project"}),
            hidden=frozenset({"created_by"}),
            subject=("period_start", "period_end"),
        ),
        Audited(
            "projects", "ReportCost", frozenset({"report"}), subject=("category_id", "report_id")
        ),
        Audited(
            "projects",
            "IndicatorValue",
            frozenset({"report", "indicator"}),
            subject=("indicator_id", "report_id"),
        ),
        Audited(
            "documents",
            "Document",
            _DOCUMENT_PARENTS,
            hidden=frozenset({"file", "content_type", "size", "uploaded_by"}),
            subject=("original_name", "title", "progress_report_id"),
        ),
        Audited("evaluations", "Milestone", _MILESTONE_PARENTS, subject=("title", "kind")),
        Audited(
            "evaluations",
            "MilestoneReport",
            frozenset({"milestone"}),
            hidden=frozenset({"created_by"}),
        ),
        Audited(
            "evaluations",
            "MilestoneIndicatorResult",
            frozenset({"report", "indicator"}),
            subject=("indicator_id",),
        ),
    ]
}


# Writing ---------------------------------------------------------------------------------


def index_history(model: type[models.Model], rows) -> None:
    """Index historical rows written without signals (`bulk_create_with_history`,
    `bulk_update_with_history`): call it with the objects they return, or their
    historical rows."""
    spec = AUDITED.get(model._meta.label_lower)
    if spec is None:
        return
    rows = list(rows)
    if rows and not hasattr(rows[0], "history_id"):
        # The live objects: their newest historical rows are the ones just written.
        history = spec.history_model(live_apps)._default_manager
        ids = [obj.pk for obj in rows]
        history_ids = []
        for start in range(0, len(ids), BATCH):
            newest = (
                history.filter(id=OuterRef("id"))
                .order_by("-history_date", "-history_id")
                .values("history_id")[:1]
            )
            history_ids += history.filter(
                id__in=ids[start : start + BATCH], history_id=Subquery(newest)
            ).values_list("history_id", flat=True)
    else:
        history_ids = [row.history_id for row in rows]
    for start in range(0, len(history_ids), BATCH):
        _index_history_ids(live_apps, spec, history_ids[start : start + BATCH])


def on_historical_record(sender, history_instance, **kwargs) -> None:
    """simple_history's `post_create_historical_record`: index the row just written (or,
    inside `indexing_deferred`, note it for later)."""
    spec = _BY_HISTORY_MODEL.get(sender._meta.label_lower)
    if spec is None:
        return
    deferred = getattr(_deferred, "rows", None)
    if deferred is not None:
        deferred[spec.label].append(history_instance.history_id)
        return
    _index_history_ids(live_apps, spec, [history_instance.history_id])


_deferred = threading.local()


@contextlib.contextmanager
def indexing_deferred():
    """The historical rows written inside are indexed together on leaving, a batch of
    each model at a time, instead of a round of queries for each: loading demo data
    (thousands of rows). The entries are the same: each row is compared with the row
    before it as stored when it is indexed. Rows written inside a block that raises are
    not indexed (their transaction is expected to roll back with them)."""
    if getattr(_deferred, "rows", None) is not None:  # within an outer block already
        yield
        return
    _deferred.rows = defaultdict(list)
    try:
        yield
        rows = _deferred.rows
    finally:
        _deferred.rows = None
    for label, history_ids in rows.items():
        for start in range(0, len(history_ids), BATCH):
            _index_history_ids(live_apps, AUDITED[label], history_ids[start : start + BATCH])


_BY_HISTORY_MODEL = {f"{s.app_label}.historical{s.name.lower()}": s for s in AUDITED.values()}


def _index_history_ids(registry, spec: Audited, history_ids: list[int]) -> None:
    """Index the given historical rows of one model, each against the row before it.

    The rows are read back from the database, with the rows before and after each, in one
    query, so that both sides are compared as stored (a decimal given as "12.5" is
    Decimal("12.50")). The row after is there for a row dated before rows written
    earlier (the demo data, and tests, date their changes): it now comes between them,
    so the entry of the row after it is worked out again."""
    history = spec.history_model(registry)._default_manager
    same_object = history.filter(id=OuterRef("id"))
    before = (
        same_object.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    after = (
        same_object.filter(
            Q(history_date__gt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
        )
        .order_by("history_date", "history_id")
        .values("history_id")[:1]
    )
    written = history.filter(history_id__in=history_ids)
    rows = history.filter(
        Q(history_id__in=history_ids)
        | Q(history_id__in=written.annotate(before=Subquery(before)).values("before"))
        | Q(history_id__in=written.annotate(after=Subquery(after)).values("after"))
    ).order_by("id", "history_date", "history_id")
    wanted = set(history_ids)
    pairs = []
    again = []
    previous = None
    for row in rows:
        prev = previous if previous is not None and previous.id == row.id else None
        if row.history_id in wanted:
            pairs.append((prev, row))
        elif prev is not None and prev.history_id in wanted:
            pairs.append((prev, row))
            again.append(row.history_id)
        previous = row
    if again:
        record = registry.get_model("reports", "ChangeRecord")
        record._default_manager.filter(model=spec.label, history_id__in=again).delete()
    _write(registry, spec, pairs)


def backfill(registry, *, batch: int = BATCH) -> None:
    """Index every historical row there is, a batch of objects at a time (the data
    migration; `registry` is its apps)."""
    for spec in AUDITED.values():
        history = spec.history_model(registry)._default_manager
        last = None
        while True:
            objects = history.order_by("id").values_list("id", flat=True).distinct()
            if last is not None:
                objects = objects.filter(id__gt=last)
            ids = list(objects[:batch])
            if not ids:
                break
            last = ids[-1]
            rows = history.filter(id__in=ids).order_by("id", "history_date", "history_id")
            pairs = []
            previous = None
            for row in rows:
                pairs.append(
                    (previous if previous is not None and previous.id == row.id else None, row)
                )
                previous = row
            _write(registry, spec, pairs)


def _write(registry, spec: Audited, pairs: list[tuple]) -> None:
    """Store the entries of (row before or None, row) pairs of one model."""
    if not pairs:
        return
    history_ids = {row.history_id for pair in pairs for row in pair if row is not None}
    sets = {
        name: _m2m_sets(registry, spec, through, target, history_ids)
        for name, through, target in spec.m2m
    }
    fields = spec.fields(registry)
    scopes = _Scopes(registry, spec, [row for _, row in pairs])
    record = registry.get_model("reports", "ChangeRecord")
    records = []
    for previous, row in pairs:
        found = diff(spec, fields, sets, previous, row)
        if found is None:
            continue
        kind, changes = found
        internal_only = (
            previous is not None and bool(changes) and {c[0] for c in changes} <= INTERNAL_FIELDS
        )
        records.append(
            record(
                model=spec.label,
                history_id=row.history_id,
                object_id=row.id,
                history_date=row.history_date,
                kind=kind,
                history_user_id=row.history_user_id,
                reason=row.history_change_reason or "",
                changes=[[name, encode(old), encode(new)] for name, old, new in changes],
                subject={name: encode(getattr(row, name)) for name in spec.subject},
                internal_only=internal_only,
                **scopes.of(row),
            )
        )
    record._default_manager.bulk_create(records, ignore_conflicts=True)


def diff(spec: Audited, fields, sets, previous, row):
    """(kind, [(field name, old, new), ...]) of a historical row against the one before
    it, or None when it changed nothing listed (only the version, say). A creation (or a
    first row) lists the values set; a deletion lists nothing."""
    kind = KINDS[row.history_type]
    if kind == DELETED:
        return kind, []

    def related(name, r):
        return sets[name].get(r.history_id, frozenset())

    if previous is None:
        changes = [
            (f.name, None, getattr(row, f.attname))
            for f in fields
            if _is_set(getattr(row, f.attname))
        ]
        changes += [(name, frozenset(), related(name, row)) for name in sets if related(name, row)]
        return kind, changes
    changes = [
        (f.name, getattr(previous, f.attname), getattr(row, f.attname))
        for f in fields
        if getattr(previous, f.attname) != getattr(row, f.attname)
    ]
    changes += [
        (name, related(name, previous), related(name, row))
        for name in sets
        if related(name, previous) != related(name, row)
    ]
    return (kind, changes) if changes else None


def _is_set(value) -> bool:
    """Worth listing in a creation: anything but empty and a false flag (0 counts)."""
    return value is not None and value != "" and value is not False


def _m2m_sets(registry, spec, through, target, history_ids) -> dict[int, frozenset]:
    """{historical row id: the related ids at that moment} in one query."""
    model = registry.get_model(spec.app_label, through)
    found = defaultdict(set)
    pairs = model._default_manager.filter(history_id__in=history_ids).values_list(
        "history_id", target
    )
    for history_id, target_id in pairs:
        found[history_id].add(target_id)
    return {key: frozenset(value) for key, value in found.items()}


class _Scopes:
    """Which pages show a historical row: the project's, the agreement's, the status
    report's and the milestone's, as the pages' rules have it (a report's costs on its
    project's page too, a milestone report's documents on its milestone's page)."""

    def __init__(self, registry, spec: Audited, rows):
        self.label = spec.label
        self.report_projects = {}
        self.report_milestones = {}
        report_ids = {
            getattr(row, name)
            for row in rows
            for name in ("report_id", "progress_report_id")
            if spec.name in ("ReportCost", "IndicatorValue", "Document")
            and getattr(row, name, None) is not None
        }
        if report_ids:
            reports = registry.get_model("projects", "HistoricalProgressReport")
            self.report_projects = dict(
                reports._default_manager.filter(id__in=report_ids)
                .values_list("id", "project_id")
                .distinct()
            )
        milestone_report_ids = {
            getattr(row, name)
            for row in rows
            for name in ("report_id", "milestone_report_id")
            if spec.name in ("MilestoneIndicatorResult", "Document")
            and getattr(row, name, None) is not None
        }
        if milestone_report_ids:
            reports = registry.get_model("evaluations", "HistoricalMilestoneReport")
            self.report_milestones = dict(
                reports._default_manager.filter(id__in=milestone_report_ids)
                .values_list("id", "milestone_id")
                .distinct()
            )

    def of(self, row) -> dict:
        match self.label:
            case "projects.project":
                return {"project_id": row.id}
            case "agreements.agreement":
                return {"agreement_id": row.id}
            case "projects.progressreport":
                return {"project_id": row.project_id, "progress_report_id": row.id}
            case "projects.reportcost" | "projects.indicatorvalue":
                return {
                    "project_id": self.report_projects.get(row.report_id),
                    "progress_report_id": row.report_id,
                }
            case "documents.document":
                return {
                    "project_id": row.project_id
                    or self.report_projects.get(row.progress_report_id),
                    "agreement_id": row.agreement_id,
                    "progress_report_id": row.progress_report_id,
                    "milestone_id": self.report_milestones.get(row.milestone_report_id),
                }
            case "evaluations.milestone":
                return {
                    "project_id": row.project_id,
                    "agreement_id": row.agreement_id,
                    "milestone_id": row.id,
                }
            case "evaluations.milestonereport":
                return {"milestone_id": row.milestone_id}
            case "evaluations.milestoneindicatorresult":
                return {"milestone_id": self.report_milestones.get(row.report_id)}
            case _:  # the project's children
                return {"project_id": row.project_id}


# Raw values as JSON ------------------------------------------------------------------------


def encode(value):
    """A raw value of a historical row as JSON: dates and decimals as text, a file as its
    stored name, a set of related ids as a sorted list."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def decode(f: models.Field, value):
    """The raw value back from `encode`, as the field holds it."""
    if value is None:
        return None
    if f.many_to_many:
        return frozenset(value)
    if isinstance(f, models.DateTimeField):
        return parse_datetime(value)
    if isinstance(f, models.DateField):
        return parse_date(value)
    if isinstance(f, models.TimeField):
        return parse_time(value)
    if isinstance(f, models.DecimalField):
        return Decimal(value)
    return value
