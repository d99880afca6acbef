"""The change history («Endringslogg») of a project, an agreement or a status report.

Every domain model keeps its history with django-simple-history. This module reads those
historical rows (not the live ones, so deleted children still show) and turns them into
entries a person can read: who, when, what, and each field's old and new value in bokmål
and Norwegian format.

The number of queries is fixed per page: one per kind of child (all its historical rows,
ordered so that each row's predecessor comes just before it), one per many-to-many field,
and one per kind of related object named in the entries shown (none for those the
caller has loaded already and passes as `known`).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import NamedTuple

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from accounts.permissions import follows_programme
from agreements.models import Agreement
from documents.models import Document
from evaluations.models import Milestone, MilestoneIndicatorResult, MilestoneReport
from evaluations.permissions import can_read_milestone_review_comment
from ilag.formats import dato, kr, number
from ilag.uploads import file_type_for
from projects.models import (
    BudgetLine,
    ChangeRequest,
    FundingLine,
    Indicator,
    IndicatorValue,
    ProgressReport,
    Project,
    ProjectShare,
    ReportCost,
)
from projects.permissions import can_read_review_comment, is_project_leader_of

EMPTY = "–"
TEXT_LIMIT = 120
MONEY_FIELDS = {"amount", "county_frame", "max_grant_per_agreement", "effect_external_funding"}
# Set by the system, equal to the history's own «who», or shown through another field
# (a document's stored path is a generated name; its original file name is shown).
HIDDEN_FIELDS = {
    Document: {"file", "content_type", "size", "uploaded_by"},
    ProgressReport: {"created_by"},
    MilestoneReport: {"created_by"},
    ChangeRequest: {"proposed", "base_version"},
}

# Between the county and the municipality only: a return comment is not published
# matter, so committee readers and partners (and the committee PDFs) never see it.
INTERNAL_FIELDS = {"review_comment"}

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
_KINDS = {"+": CREATED, "~": CHANGED, "-": DELETED}


class FieldChange(NamedTuple):
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEntry:
    when: datetime
    who: str
    what: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    kind: str = CHANGED
    reason: str = ""

    @property
    def is_creation(self) -> bool:
        return self.kind == CREATED

    @property
    def is_deletion(self) -> bool:
        return self.kind == DELETED


def changes_for_project(
    project: Project, limit: int | None = 30, *, user=None, known: Iterable = ()
) -> list[ChangeEntry]:
    """The newest `limit` changes to the project and everything under it.

    With `user`, someone who may not edit the project sees only the changes to the status
    reports he or she may read now: never those of drafts, nor of reports deleted since.
    `known`: related objects the caller has loaded already (the project's page: its
    reports, indicators, cost categories, ...), named without looking them up again.
    """
    pid = project.pk
    report_ids = ProgressReport.history.filter(project_id=pid).values("id")
    # Change requests are between the project's leaders and the advisers.
    change_ids = Q(project_id=pid)
    insider = user is None or (
        follows_programme(user, project.agreement.programme_id)
        or is_project_leader_of(user, project)
    )
    hidden = set() if insider else INTERNAL_FIELDS
    if not insider:
        change_ids = Q(pk__in=[])
        report_ids = list(
            ProgressReport.objects.visible_to(user)
            .filter(project_id=pid)
            .values_list("pk", flat=True)
        )
    return _changes(
        [
            _Source(Project, Q(id=pid), root=True, hidden=hidden),
            _Source(BudgetLine, Q(project_id=pid), parents={"project"}),
            _Source(FundingLine, Q(project_id=pid), parents={"project"}),
            _Source(Indicator, Q(project_id=pid), parents={"project"}),
            _Source(ProjectShare, Q(project_id=pid), parents={"project"}),
            _Source(ChangeRequest, change_ids, parents={"project"}),
            _Source(ProgressReport, Q(id__in=report_ids), parents={"project"}, hidden=hidden),
            _Source(ReportCost, Q(report_id__in=report_ids), parents={"report"}, in_report=True),
            _Source(
                IndicatorValue,
                Q(report_id__in=report_ids),
                parents={"report", "indicator"},
                in_report=True,
            ),
            _Source(
                Document,
                Q(project_id=pid) | Q(progress_report_id__in=report_ids),
                parents={"project", "agreement", "progress_report"},
                in_report=True,
            ),
            _Source(Milestone, Q(project_id=pid), parents={"programme", "agreement", "project"}),
        ],
        limit,
        known,
    )


def changes_for_agreement(
    agreement: Agreement, limit: int | None = 30, *, known: Iterable = ()
) -> list[ChangeEntry]:
    """The newest `limit` changes to the agreement, its documents and its milestones.
    `known`: related objects the caller has loaded already, as for a project."""
    aid = agreement.pk
    return _changes(
        [
            _Source(Agreement, Q(id=aid), root=True),
            _Source(
                Document, Q(agreement_id=aid), parents={"project", "agreement", "progress_report"}
            ),
            _Source(Milestone, Q(agreement_id=aid), parents={"programme", "agreement", "project"}),
        ],
        limit,
        known,
    )


def changes_for_milestone(
    milestone: Milestone, limit: int | None = 30, *, user=None
) -> list[ChangeEntry]:
    """The newest `limit` changes to a milestone (due dates moved, with the reason), its
    report, the report's indicator results and documents. With `user`, a return comment
    shows only to the programme's advisers and the municipality's project leaders."""
    mid = milestone.pk
    insider = user is None or can_read_milestone_review_comment(user, milestone)
    report_ids = MilestoneReport.history.filter(milestone_id=mid).values("id")
    return _changes(
        [
            _Source(Milestone, Q(id=mid), root=True, parents={"programme", "agreement", "project"}),
            _Source(
                MilestoneReport,
                Q(id__in=report_ids),
                parents={"milestone"},
                hidden=set() if insider else INTERNAL_FIELDS,
            ),
            _Source(
                MilestoneIndicatorResult,
                Q(report_id__in=report_ids),
                parents={"report", "indicator"},
            ),
            _Source(
                Document,
                Q(milestone_report_id__in=report_ids),
                parents={"project", "agreement", "progress_report", "milestone_report"},
            ),
        ],
        limit,
    )


def changes_for_report(
    report: ProgressReport, limit: int | None = 30, *, user=None, known: Iterable = ()
) -> list[ChangeEntry]:
    """The newest `limit` changes to the status report, its costs, values and documents.
    With `user`, a return comment shows only to advisers and the project's leaders.
    `known`: related objects the caller has loaded already, as for a project."""
    rid = report.pk
    insider = user is None or can_read_review_comment(user, report.project)
    return _changes(
        [
            _Source(
                ProgressReport,
                Q(id=rid),
                root=True,
                parents={"project"},
                hidden=set() if insider else INTERNAL_FIELDS,
            ),
            _Source(ReportCost, Q(report_id=rid), parents={"report"}),
            _Source(IndicatorValue, Q(report_id=rid), parents={"report", "indicator"}),
            _Source(
                Document,
                Q(progress_report_id=rid),
                parents={"project", "agreement", "progress_report"},
            ),
        ],
        limit,
        known,
    )


# Gathering ------------------------------------------------------------------------------


@dataclass
class _Source:
    """One audited model and which of its historical rows belong to the page."""

    model: type[models.Model]
    where: Q
    # The page's own object: described by its kind alone («Prosjekt»).
    root: bool = False
    # Foreign keys to the page's object: the same in every row, so never listed.
    parents: set[str] = field(default_factory=set)
    # On a project's page, a report's child names its report.
    in_report: bool = False
    # Fields this reader may not see (INTERNAL_FIELDS for readers outside the case).
    hidden: set[str] = field(default_factory=set)

    def fields(self) -> list[models.Field]:
        hidden = self.parents | self.hidden | HIDDEN_FIELDS.get(self.model, set())
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in hidden
        ]

    def m2m_fields(self) -> list[models.ManyToManyField]:
        return list(self.model.history.model._history_m2m_fields)


@dataclass
class _Record:
    source: _Source
    row: models.Model  # the historical row
    kind: str
    # (field, old raw value, new raw value); for many-to-many fields, sets of ids.
    raw_changes: list[tuple[models.Field, object, object]]

    def sort_key(self, index: int):
        return (self.row.history_date, index, self.row.history_id)


def _changes(sources: list[_Source], limit: int | None, known: Iterable = ()) -> list[ChangeEntry]:
    records: list[tuple[tuple, _Record]] = []
    for index, source in enumerate(sources):
        for record in _records(source):
            records.append((record.sort_key(index), record))
    records.sort(key=lambda pair: pair[0], reverse=True)
    if limit is not None:
        records = records[:limit]
    kept = [record for _, record in records]
    names = _Names(known)
    for record in kept:
        for f, old, new in record.raw_changes:
            for value in (old, new):
                names.want(f, value)
        for f in _description_refs(record.source):
            names.want(f, _value(record.row, f))
    names.load()
    return [_entry(record, names) for record in kept]


def _records(source: _Source) -> list[_Record]:
    """Every historical row of the source with what it changed since the row before it;
    rows that changed nothing shown (only the version, say) are left out."""
    history = source.model.history
    rows = list(
        history.filter(source.where)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    m2m = {}
    for m2m_field in source.m2m_fields():
        m2m[m2m_field] = _m2m_sets(source, m2m_field)
    fields = source.fields()
    records = []
    previous = None
    for row in rows:
        prev = previous if previous is not None and previous.id == row.id else None
        previous = row
        kind = _KINDS[row.history_type]
        sets = {f: m2m[f].get(row.history_id, frozenset()) for f in m2m}
        if kind == DELETED:
            raw = []
        elif prev is None:
            raw = [(f, None, _value(row, f)) for f in fields if _is_set(_value(row, f))]
            raw += [(f, frozenset(), ids) for f, ids in sets.items() if ids]
        else:
            raw = [
                (f, _value(prev, f), _value(row, f))
                for f in fields
                if _value(prev, f) != _value(row, f)
            ]
            raw += [
                (f, m2m[f].get(prev.history_id, frozenset()), ids)
                for f, ids in sets.items()
                if m2m[f].get(prev.history_id, frozenset()) != ids
            ]
            if not raw:
                continue
        records.append(_Record(source=source, row=row, kind=kind, raw_changes=raw))
    return records


def _m2m_sets(source: _Source, m2m_field) -> dict[int, frozenset]:
    """{historical row id: the related ids at that moment} in one query."""
    through = getattr(source.model.history.model, m2m_field.name).model
    target = m2m_field.m2m_reverse_field_name() + "_id"
    sets = defaultdict(set)
    pairs = through.objects.filter(
        history__in=source.model.history.filter(source.where).values("history_id")
    ).values_list("history_id", target)
    for history_id, target_id in pairs:
        sets[history_id].add(target_id)
    return {key: frozenset(value) for key, value in sets.items()}


def _value(row, f: models.Field):
    """The value of a field of the audited model in one of its historical rows (the
    historical row keeps foreign keys under their attname, e.g. `category_id`)."""
    return getattr(row, f.attname)


def _is_set(value) -> bool:
    """Worth listing in a creation: anything but empty and a false flag (0 counts)."""
    return value is not None and value != "" and value is not False


# Names of related objects -----------------------------------------------------------------


class _Names:
    """str() of related objects: those `known` (already loaded by the caller) as they are,
    the others loaded with one query per related model; objects deleted since are named
    from their own history where they have one."""

    def __init__(self, known: Iterable = ()):
        self._wanted: dict[type[models.Model], set] = defaultdict(set)
        self._names: dict[tuple[type[models.Model], object], str] = {}
        self._known = {(type(obj), obj.pk): obj for obj in known if obj is not None}

    def want(self, f, value):
        if not f.is_relation or value is None:
            return
        related = f.related_model
        if isinstance(value, frozenset):
            self._wanted[related].update(value)
        else:
            self._wanted[related].add(value)

    def load(self):
        for model, wanted in self._wanted.items():
            ids = set()
            for pk in wanted:
                obj = self._known.get((model, pk))
                if obj is None:
                    ids.add(pk)
                else:
                    self._names[(model, pk)] = str(obj)
            if not ids:
                continue
            for obj in model._base_manager.filter(pk__in=ids):
                self._names[(model, obj.pk)] = str(obj)
            missing = {pk for pk in ids if (model, pk) not in self._names}
            history = getattr(model, "history", None) if missing else None
            if history is not None:
                for row in history.filter(id__in=missing).order_by("id", "history_date"):
                    # The newest row of each id wins.
                    self._names[(model, row.id)] = str(row.instance)

    def name(self, model, pk) -> str:
        return self._names.get((model, pk), _("(deleted)"))


# Display --------------------------------------------------------------------------------


def _entry(record: _Record, names: _Names) -> ChangeEntry:
    row = record.row
    user = row.history_user
    return ChangeEntry(
        when=row.history_date,
        who=str(user) if user is not None else _("System"),
        what=_describe(record, names),
        action={CREATED: _("Created"), CHANGED: _("Changed"), DELETED: _("Deleted")}[record.kind],
        changes=[
            FieldChange(
                str(capfirst(f.verbose_name)), _display(f, old, names), _display(f, new, names)
            )
            for f, old, new in record.raw_changes
        ],
        kind=record.kind,
        reason=row.history_change_reason or "",
    )


def _display(f, value, names: _Names) -> str:
    """A value as the pages show it: bokmål labels, Norwegian dates and amounts."""
    if isinstance(value, frozenset):
        if not value:
            return EMPTY
        return ", ".join(sorted(names.name(f.related_model, pk) for pk in value))
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        return names.name(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if f.name in MONEY_FIELDS:
        return kr(value)
    if isinstance(f, models.DateTimeField):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        return dato(value)
    if isinstance(f, models.DecimalField):
        return number(value)
    if isinstance(f, models.FileField):
        # Stored under a generated name, which says nothing: name the kind of file.
        kind = file_type_for(str(value))
        if kind:
            return str(kind.name)
        return _("a file (%(suffix)s)") % {"suffix": PurePath(str(value)).suffix.lower()}
    if isinstance(f, models.SmallIntegerField):  # years, numbers, percentages
        return str(value)
    if isinstance(f, models.IntegerField):
        return number(value)
    return Truncator(str(value)).chars(TEXT_LIMIT)


def _fk(record: _Record, names: _Names, name: str) -> str:
    f = record.source.model._meta.get_field(name)
    return names.name(f.related_model, _value(record.row, f))


def _report_period(row) -> str:
    return _("Status report %(start)s–%(end)s") % {
        "start": dato(row.period_start),
        "end": dato(row.period_end),
    }


def _describe_budget_line(record, names):
    return _("Budget line %(year)s %(category)s") % {
        "year": record.row.year,
        "category": _fk(record, names, "category"),
    }


def _describe_funding_line(record, names):
    if record.row.source_municipality_id:
        source = _("%(municipality)s municipality (own contribution)") % {
            "municipality": _fk(record, names, "source_municipality")
        }
    else:
        source = _fk(record, names, "source")
    return _("Funding line %(source)s") % {"source": source}


def _describe_indicator(record, names):
    row = record.row
    label = row.name or str(dict(Indicator.Kind.choices).get(row.kind, row.kind))
    return _("Indicator «%(name)s»") % {"name": label}


def _describe_report_cost(record, names):
    return _("Costs incurred %(category)s") % {"category": _fk(record, names, "category")}


def _describe_indicator_value(record, names):
    return _("Indicator value «%(indicator)s»") % {"indicator": _fk(record, names, "indicator")}


def _describe_document(record, names):
    row = record.row
    return _("Document «%(name)s»") % {"name": row.original_name or row.title}


def _describe_milestone(record, names):
    row = record.row
    label = row.title or str(dict(Milestone.Kind.choices).get(row.kind, row.kind))
    return _("Milestone «%(name)s»") % {"name": label}


_DESCRIBE: dict[type[models.Model], Callable[[_Record, _Names], str]] = {
    BudgetLine: _describe_budget_line,
    FundingLine: _describe_funding_line,
    Indicator: _describe_indicator,
    ProgressReport: lambda record, names: _report_period(record.row),
    ReportCost: _describe_report_cost,
    IndicatorValue: _describe_indicator_value,
    Document: _describe_document,
    Milestone: _describe_milestone,
    MilestoneReport: lambda record, names: str(capfirst(MilestoneReport._meta.verbose_name)),
    ProjectShare: lambda record, names: (
        _("Share of %(municipality)s") % {"municipality": _fk(record, names, "municipality")}
    ),
    ChangeRequest: lambda record, names: str(capfirst(ChangeRequest._meta.verbose_name)),
    MilestoneIndicatorResult: lambda record, names: (
        _("Result: %(indicator)s") % {"indicator": _fk(record, names, "indicator")}
    ),
}
# Foreign keys the descriptions above name (loaded with the other related objects).
_DESCRIPTION_REFS = {
    ProjectShare: ("municipality",),
    MilestoneIndicatorResult: ("indicator",),
    BudgetLine: ("category",),
    FundingLine: ("source", "source_municipality"),
    ReportCost: ("category",),
    IndicatorValue: ("indicator",),
}
# On a project's page, the children of a status report name the report too.
_REPORT_FIELD = {ReportCost: "report", IndicatorValue: "report", Document: "progress_report"}


def _description_refs(source: _Source) -> list[models.Field]:
    names = list(_DESCRIPTION_REFS.get(source.model, ()))
    if source.in_report and source.model in _REPORT_FIELD:
        names.append(_REPORT_FIELD[source.model])
    return [source.model._meta.get_field(name) for name in names]


def _describe(record: _Record, names: _Names) -> str:
    source = record.source
    if source.root:
        return str(capfirst(source.model._meta.verbose_name))
    what = _DESCRIBE[source.model](record, names)
    name = _REPORT_FIELD.get(source.model) if source.in_report else None
    if name and getattr(record.row, f"{name}_id") is not None:
        what = _("%(what)s (%(report)s)") % {"what": what, "report": _fk(record, names, name)}
    return what
