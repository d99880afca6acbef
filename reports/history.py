"""The change history («Endringslogg») of a project, an agreement, a milestone or a status
report.

Every domain model keeps its history with django-simple-history, and every historical row
that changed something shown is indexed as it is written (`reports.history_index`): what
it changed, and the pages that show it. This module reads a page of that index and turns
it into entries a person can read: who, when, what, and each field's old and new value in
bokmål and Norwegian format. Deleted children still show, as their history does.

The number of queries is fixed: one for the entries shown (however many kinds of child
feed the page and however long their history), and one per kind of related object named
in them (none for those the caller has loaded already and passes as `known`).
"""

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from types import SimpleNamespace
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
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
from reports.history_index import CHANGED, CREATED, DELETED, INTERNAL_FIELDS, decode
from reports.models import ChangeRecord

EMPTY = "–"
TEXT_LIMIT = 120
# A field of kroner says so in its label: «amount (NOK)» (in English, the source text).
MONEY_UNIT = " (NOK)"
# The entries a page shows at a time.
PER_PAGE = 30
# The query parameter of the page of the history («?endringer=2»: the 30 before the newest).
PAGE_PARAMETER = "endringer"


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


class ChangeLog(list):
    """A page of the change history: its entries, newest first, and where it stands."""

    def __init__(self, entries=(), *, page: int = 1, per_page: int | None = None, has_older=False):
        super().__init__(entries)
        self.page = page
        self.has_older = has_older
        self.first_number = (page - 1) * (per_page or 0) + 1
        self.last_number = self.first_number + len(self) - 1

    @property
    def older_page(self) -> int:
        return self.page + 1

    @property
    def newer_page(self) -> int:
        return self.page - 1


def history_page(query) -> int:
    """The page of the history asked for in a request's GET parameters (1 if none, or
    nonsense)."""
    try:
        page = int(query.get(PAGE_PARAMETER, 1))
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), 100_000)


def changes_for_project(
    project: Project,
    limit: int | None = PER_PAGE,
    *,
    user=None,
    known: Iterable = (),
    page: int = 1,
) -> ChangeLog:
    """The `page`th `limit` changes, newest first, to the project and everything under it.

    With `user`, someone who may not edit the project sees only the changes to the status
    reports he or she may read now: never those of drafts, nor of reports deleted since;
    nor the change requests, nor the county's return comments.
    `known`: related objects the caller has loaded already (the project's page: its
    reports, indicators, cost categories, ...), named without looking them up again.
    """
    pid = project.pk
    records = ChangeRecord.objects.filter(project_id=pid)
    insider = user is None or (
        follows_programme(user, project.agreement.programme_id)
        or is_project_leader_of(user, project)
    )
    if not insider:
        readable = ProgressReport.objects.visible_to(user).filter(project_id=pid).values("pk")
        records = records.exclude(model=ChangeRequest._meta.label_lower).filter(
            Q(progress_report_id__isnull=True) | Q(progress_report_id__in=readable)
        )
    return _changes(
        records,
        _Page(root=Project, in_report=True, hidden=set() if insider else INTERNAL_FIELDS),
        limit,
        page,
        known,
    )


def changes_for_agreement(
    agreement: Agreement, limit: int | None = PER_PAGE, *, known: Iterable = (), page: int = 1
) -> ChangeLog:
    """The `page`th `limit` changes to the agreement, its documents and its milestones.
    `known`: related objects the caller has loaded already, as for a project."""
    return _changes(
        ChangeRecord.objects.filter(agreement_id=agreement.pk),
        _Page(root=Agreement),
        limit,
        page,
        known,
    )


def changes_for_milestone(
    milestone: Milestone, limit: int | None = PER_PAGE, *, user=None, page: int = 1
) -> ChangeLog:
    """The `page`th `limit` changes to a milestone (due dates moved, with the reason), its
    report, the report's indicator results and documents. With `user`, a return comment
    shows only to the programme's advisers and the municipality's project leaders."""
    insider = user is None or can_read_milestone_review_comment(user, milestone)
    return _changes(
        ChangeRecord.objects.filter(milestone_id=milestone.pk),
        _Page(root=Milestone, hidden=set() if insider else INTERNAL_FIELDS),
        limit,
        page,
    )


def changes_for_report(
    report: ProgressReport,
    limit: int | None = PER_PAGE,
    *,
    user=None,
    known: Iterable = (),
    page: int = 1,
) -> ChangeLog:
    """The `page`th `limit` changes to the status report, its costs, values and documents.
    With `user`, a return comment shows only to advisers and the project's leaders.
    `known`: related objects the caller has loaded already, as for a project."""
    insider = user is None or can_read_review_comment(user, report.project)
    return _changes(
        ChangeRecord.objects.filter(progress_report_id=report.pk),
        _Page(root=ProgressReport, hidden=set() if insider else INTERNAL_FIELDS),
        limit,
        page,
        known,
    )


# Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """How the page shows its entries."""

    # The page's own object: described by its kind alone («Prosjekt»).
    root: type[models.Model]
    # On a project's page, a report's child names its report.
    in_report: bool = False
    # Fields this reader may not see (INTERNAL_FIELDS for readers outside the case).
    hidden: set[str] | frozenset[str] = frozenset()


@dataclass
class _Record:
    page: _Page
    model: type[models.Model]
    entry: ChangeRecord
    # The values the description needs, by attribute name (`category_id`, `year`, ...).
    row: SimpleNamespace
    kind: str
    # (field, old raw value, new raw value); for many-to-many fields, sets of ids.
    raw_changes: list[tuple[models.Field, object, object]]


def _changes(
    records, page_of: _Page, limit: int | None, page: int, known: Iterable = ()
) -> ChangeLog:
    if page_of.hidden:
        records = records.filter(internal_only=False)
    records = records.select_related("history_user").order_by("-history_date", "-id")
    if limit is None:
        rows, has_older, page = list(records), False, 1
    else:
        offset = (page - 1) * limit
        rows = list(records[offset : offset + limit + 1])
        has_older = len(rows) > limit
        rows = rows[:limit]
    kept = [_record(page_of, row) for row in rows]
    names = _Names(known)
    for record in kept:
        for f, old, new in record.raw_changes:
            for value in (old, new):
                names.want(f, value)
        for f in _description_refs(record):
            names.want(f, _value(record.row, f))
    names.load()
    return ChangeLog(
        [_entry(record, names) for record in kept],
        page=page,
        per_page=limit,
        has_older=has_older,
    )


def _record(page: _Page, entry: ChangeRecord) -> _Record:
    model = apps.get_model(entry.model)
    opts = model._meta
    raw = []
    for name, old, new in entry.changes:
        if name in page.hidden:
            continue
        try:
            f = opts.get_field(name)
        except FieldDoesNotExist:  # a field removed since
            continue
        raw.append((f, decode(f, old), decode(f, new)))
    row = SimpleNamespace(
        **{name: decode(opts.get_field(name), value) for name, value in entry.subject.items()}
    )
    return _Record(page=page, model=model, entry=entry, row=row, kind=entry.kind, raw_changes=raw)


def _value(row, f: models.Field):
    """The value of a field of the audited model in an entry's subject (kept under its
    attname, e.g. `category_id`)."""
    return getattr(row, f.attname, None)


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
    entry = record.entry
    user = entry.history_user
    return ChangeEntry(
        when=entry.history_date,
        who=str(user) if user is not None else _("System"),
        what=_describe(record, names),
        action={CREATED: _("Created"), CHANGED: _("Changed"), DELETED: _("Deleted")}[record.kind],
        changes=[
            FieldChange(_label(f), _display(f, old, names), _display(f, new, names))
            for f, old, new in record.raw_changes
        ],
        kind=record.kind,
        reason=entry.reason,
    )


@functools.cache
def _is_money(f) -> bool:
    with translation.override(None):
        return str(f.verbose_name).endswith(MONEY_UNIT)


def _label(f) -> str:
    """The field's name; for an amount without its unit, which the value has: «Beløp:
    kr 95 000», not «Beløp (kr): kr 95 000»."""
    label = str(capfirst(f.verbose_name))
    if _is_money(f):
        label = re.sub(r"\s*\([^()]*\)$", "", label)
    return label


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
    if _is_money(f):
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
    f = record.model._meta.get_field(name)
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


def _description_refs(record: _Record) -> list[models.Field]:
    names = list(_DESCRIPTION_REFS.get(record.model, ()))
    if record.page.in_report and record.model in _REPORT_FIELD:
        names.append(_REPORT_FIELD[record.model])
    return [record.model._meta.get_field(name) for name in names]


def _describe(record: _Record, names: _Names) -> str:
    if record.model is record.page.root:
        return str(capfirst(record.model._meta.verbose_name))
    what = _DESCRIBE[record.model](record, names)
    name = _REPORT_FIELD.get(record.model) if record.page.in_report else None
    if name and getattr(record.row, f"{name}_id", None) is not None:
        what = _("%(what)s (%(report)s)") % {"what": what, "report": _fk(record, names, name)}
    return what
