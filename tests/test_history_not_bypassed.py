"""Nothing writes to an audited model without leaving a row in its history.

django-simple-history records a change from the model's save(), delete() and
many-to-many signals. Writes that skip them — QuerySet.update(), bulk_create(),
bulk_update(), raw SQL, a related manager's bulk add/set/remove/clear, saving without a
historical record — leave the change history («Endringslogg») silently incomplete. The
first tests read the sources of the apps and refuse such calls; the last one edits a
project the way a request does and checks what the history says.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation
from simple_history.models import HistoricalRecords

from documents.models import Document
from projects.models import FundingLine, Project
from reports.history import changes_for_project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = [
    "ilag",
    "accounts",
    "municipalities",
    "agreements",
    "projects",
    "evaluations",
    "payouts",
    "documents",
    "reports",
    "portal",
]

# Calls allowed although they look like a bypass, by (file, the call as written): each
# with the reason it leaves no gap in the history. Keyed by the call's text, not its line,
# so that edits elsewhere in the file do not break the list.
ALLOWED = {
    ("ilag/views.py", "cursor.execute"): "The health check runs `SELECT 1`: a read.",
    ("reports/history_index.py", "record._default_manager.bulk_create"): (
        "The index of the change history (ChangeRecord) is the history's own bookkeeping, "
        "written from the historical rows: not an audited model."
    ),
    ("ilag/backup.py", "cursor.execute"): (
        "The backup and the restore count each table's rows (`SELECT COUNT(*)`): a read; "
        "the restore itself is pg_restore or SQLite's backup into an empty database."
    ),
    ("portal/demo.py", "cursor.execute"): (
        "`ANALYZE` after seeding synthetic data refreshes the planner's statistics; it "
        "writes no rows."
    ),
    ("accounts/api_auth.py", "type(token).objects.filter(pk=token.pk).update"): (
        "A key's last use is not a change: the field is excluded from ApiToken's history."
    ),
    ("portal/demo.py", "ApiToken.objects.filter(pk=token.pk).update"): (
        "The demo key's last use, excluded from ApiToken's history like every use."
    ),
    ("portal/demo.py", "manager.set"): (
        "set_m2m() is called with forward managers only: Agreement's and Project's, which "
        "have m2m history, and User's, which has m2m history too."
    ),
}

# Models of the apps that keep no history, and why that leaves no gap.
NOT_AUDITED = {
    "ilag.WorkerHeartbeat": "Operational: when a Celery worker was last seen.",
    "accounts.SentNotice": (
        "An append-only log of e-mail notices sent, one row per event and person, written "
        "by the notice task: it is itself the record."
    ),
    "evaluations.Reminder": (
        "An append-only log of reminders sent, written once per occasion by the reminder "
        "task: it is itself the record."
    ),
    "reports.ChangeRecord": (
        "The index of the change history, written from the historical rows: it is the "
        "history itself."
    ),
    "portal.ProgrammeSummary": (
        "The dashboard's figures, derived from audited rows and computed again from them "
        "at any time (portal.summary): the history is the rows'."
    ),
    "portal.ProgrammeChange": (
        "A note that a programme's figures must be computed again, removed when they are: "
        "the change itself is in the history of the row changed."
    ),
}

ORM_WRITES = {"update", "bulk_update", "bulk_create", "raw"}
SQL_CALLS = {"execute", "executemany", "callproc"}
RELATED_WRITES = {"add", "set", "remove", "clear"}
MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}
AUDITED, OTHER, UNKNOWN = "audited", "other", "unknown"


@dataclass(frozen=True)
class Registry:
    """What the app registry tells about models and their managers, by name."""

    models: dict[str, str]  # class name -> AUDITED / OTHER
    audited_accessors: frozenset[str]  # related managers whose add/set/... may bypass
    recorded_m2m: frozenset[tuple[str, str]]  # (model, field) with m2m history
    # (model name in lower case, related manager) -> whether add/set/... is recorded;
    # used when the owner is a variable named after its model (`project.municipalities`).
    by_owner: dict[tuple[str, str], bool]


def is_audited(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute") or model.__name__.startswith(
        "Historical"
    )


def build_registry() -> Registry:
    names: dict[str, str] = {}
    accessors = set()
    recorded = set()
    unrecorded_m2m = set()
    by_owner = {}
    for model in apps.get_models(include_auto_created=True):
        kind = AUDITED if is_audited(model) else OTHER
        # A name shared by an audited and another model counts as audited.
        if names.get(model.__name__) != AUDITED:
            names[model.__name__] = kind
        history_m2m = set()
        if hasattr(model._meta, "simple_history_manager_attribute"):
            history = getattr(model, model._meta.simple_history_manager_attribute)
            history_m2m = {f.name for f in history.model._history_m2m_fields}
        for f in model._meta.get_fields():
            owner = model.__name__.lower()
            if f.many_to_many and not f.auto_created:
                by_owner[(owner, f.name)] = f.name in history_m2m
                if f.name in history_m2m:
                    recorded.add((model.__name__, f.name))
                else:
                    unrecorded_m2m.add(f.name)
            elif f.many_to_many:
                # The reverse side sends m2m_changed for the other model: never recorded.
                by_owner[(owner, f.get_accessor_name())] = False
                unrecorded_m2m.add(f.get_accessor_name())
            elif f.one_to_many and is_audited(f.related_model):
                # project.budget_lines.add()/set()/remove()/clear() write with update().
                by_owner[(owner, f.get_accessor_name())] = False
                accessors.add(f.get_accessor_name())
    return Registry(
        models=names,
        audited_accessors=frozenset(accessors | unrecorded_m2m),
        recorded_m2m=frozenset(recorded),
        by_owner=by_owner,
    )


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    why: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.call}(...) — {self.why}"


class Scanner(ast.NodeVisitor):
    """Finds calls that write to audited tables without going through save()/delete()."""

    def __init__(self, path: str, registry: Registry):
        self.path = path
        self.registry = registry
        self.findings: list[Finding] = []
        self.scopes: list[dict[str, list[ast.expr]]] = [{}]

    # Scopes: which local names hold what (a queryset, a manager, a model).
    def visit_Module(self, node):
        self.scopes = [self._assignments(node)]
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.scopes.append(self._assignments(node))
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _assignments(node) -> dict[str, list[ast.expr]]:
        found: dict[str, list[ast.expr]] = {}
        for child in ast.walk(node):
            if isinstance(child, ast.Assign):
                targets, value = child.targets, child.value
            elif isinstance(child, ast.AnnAssign | ast.NamedExpr) and child.value is not None:
                targets, value = [child.target], child.value
            elif isinstance(child, ast.withitem) and child.optional_vars is not None:
                targets, value = [child.optional_vars], child.context_expr
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(value)
        return found

    def _bound(self, name: str) -> list[ast.expr]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return []

    def kind(self, node: ast.expr, seen=frozenset()) -> str | None:
        """AUDITED, OTHER or UNKNOWN for a model, manager or queryset; None otherwise."""
        if isinstance(node, ast.Name):
            if node.id in seen:
                return None
            kinds = {self.kind(value, seen | {node.id}) for value in self._bound(node.id)}
            for candidate in (AUDITED, UNKNOWN, OTHER):
                if candidate in kinds:
                    return candidate
            if node.id in self.registry.models:
                return self.registry.models[node.id]
            lowered = node.id.lower()
            if "queryset" in lowered or lowered in {"qs", "manager"} or lowered.endswith("_qs"):
                return UNKNOWN
            return None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                if node.func.attr in {"get_queryset", "get_query_set"}:
                    return UNKNOWN
                return self.kind(node.func.value, seen)
            if isinstance(node.func, ast.Name) and "queryset" in node.func.id.lower():
                return UNKNOWN
            return None
        if isinstance(node, ast.Attribute):
            if node.attr == "history":
                return AUDITED  # the history tables themselves
            if node.attr in MANAGER_ATTRS:
                owner = self.kind(node.value, seen)
                return owner if owner in (AUDITED, OTHER) else UNKNOWN
            if node.attr == "through":
                return self._through(node.value)
            if node.attr == "model":
                return UNKNOWN
            if node.attr in self.registry.audited_accessors:
                return AUDITED
            return None
        return None

    def _through(self, node: ast.expr) -> str:
        """`Model.field.through`: audited when the field has m2m history (writing its table
        directly skips the m2m_changed that records it)."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if (owner, node.attr) in self.registry.recorded_m2m:
                return AUDITED
            if self.registry.models.get(owner) == OTHER:
                return OTHER
        return UNKNOWN

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        name, receiver = func.attr, func.value
        why = None
        if name in SQL_CALLS:
            why = "raw SQL bypasses the model's history"
        elif name == "save_without_historical_record":
            why = "saves without a historical record"
        elif name == "update":
            # QuerySet.update() takes keywords only; dict.update() usually a mapping.
            if not node.args and self.kind(receiver) in (AUDITED, UNKNOWN):
                why = "QuerySet.update() sends no signals, so no history is written"
        elif name in ORM_WRITES:
            if self.kind(receiver) != OTHER:
                why = f"{name}() writes rows without the signals that record history"
        elif name in RELATED_WRITES:
            bulk_false = any(
                k.arg == "bulk" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords
            )
            on_accessor = isinstance(receiver, ast.Attribute) and self._bypassing_accessor(receiver)
            on_manager = isinstance(receiver, ast.Name) and "manager" in receiver.id.lower()
            if (on_accessor or on_manager) and not bulk_false:
                why = (
                    f"a related manager's {name}() writes in bulk (reverse foreign key) or "
                    "changes a many-to-many relation that has no m2m history"
                )
        if why:
            self.findings.append(Finding(self.path, node.lineno, ast.unparse(func), why))

    def _bypassing_accessor(self, node: ast.Attribute) -> bool:
        if isinstance(node.value, ast.Name):
            known = self.registry.by_owner.get((node.value.id.lower(), node.attr))
            if known is not None:
                return not known
        return node.attr in self.registry.audited_accessors

    def visit_Assign(self, node: ast.Assign):
        self.generic_visit(node)
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "skip_history_when_saving":
                self.findings.append(
                    Finding(
                        self.path,
                        node.lineno,
                        ast.unparse(target),
                        "turns off the history for the next save",
                    )
                )


def source_files():
    for app in APPS:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            relative = path.relative_to(BASE_DIR)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            yield relative.as_posix(), path


def scan(path: str, source: str, registry: Registry) -> list[Finding]:
    scanner = Scanner(path, registry)
    scanner.visit(ast.parse(source, filename=path))
    return scanner.findings


@pytest.fixture(scope="module")
def registry():
    return build_registry()


@pytest.fixture(scope="module")
def findings(registry):
    return [
        finding
        for relative, path in source_files()
        for finding in scan(relative, path.read_text(encoding="utf-8"), registry)
    ]


def test_no_write_path_bypasses_the_history(findings):
    bypasses = [f for f in findings if (f.path, f.call) not in ALLOWED]
    assert not bypasses, (
        "These writes leave no trace in the change history; use save()/delete() row by "
        "row, simple_history.utils.bulk_create_with_history / bulk_update_with_history, or "
        "(for a call that truly writes nothing audited) add it to ALLOWED with the reason:\n"
        + "\n".join(str(f) for f in bypasses)
    )


def test_every_allowed_call_still_exists(findings):
    present = {(f.path, f.call) for f in findings}
    stale = sorted(set(ALLOWED) - present)
    assert not stale, f"ALLOWED lists calls that are gone; remove them: {stale}"


def bulk_history_writers_that_do_not_index(paths: list[Path]) -> list[Path]:
    """The modules among `paths` that write history with simple_history's bulk helpers
    (which send no signals) but never call `index_history`, so that the change history's
    index (`reports.history_index`) misses what they wrote."""
    missing = []
    for path in paths:
        calls = {
            node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
        }
        if calls & {"bulk_create_with_history", "bulk_update_with_history"} and (
            "index_history" not in calls
        ):
            missing.append(path)
    return missing


def test_bulk_history_writes_index_the_change_history():
    paths = [path for _, path in source_files()]
    paths += sorted((BASE_DIR / "scripts").rglob("*.py"))
    missing = bulk_history_writers_that_do_not_index(paths)
    assert not missing, (
        "These modules write history in bulk (no signals) without indexing it for the "
        "change history: call reports.history_index.index_history with what they wrote: "
        + ", ".join(str(path.relative_to(BASE_DIR)) for path in missing)
    )


def test_the_index_check_catches_a_bulk_write_without_indexing(tmp_path):
    without = tmp_path / "without.py"
    without.write_text(BYPASS_WITHOUT_INDEX, encoding="utf-8")
    indexed = tmp_path / "indexed.py"
    indexed.write_text(BYPASS_WITHOUT_INDEX + INDEXED, encoding="utf-8")

    assert bulk_history_writers_that_do_not_index([without, indexed]) == [without]


BYPASS_WITHOUT_INDEX = """
from simple_history.utils import bulk_update_with_history

def f(lines):
    bulk_update_with_history(lines, Project, ["title"])
"""
INDEXED = """
    index_history(Project, lines)
"""


def test_every_model_of_the_apps_keeps_history_unless_listed():
    missing = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            label = f"{app}.{model.__name__}"
            if model.__name__.startswith("Historical") or label in NOT_AUDITED:
                continue
            if not hasattr(model._meta, "simple_history_manager_attribute"):
                missing.append(label)
    assert not missing, f"Models without `history = HistoricalRecords()`: {missing}"


def test_history_is_not_switched_off():
    assert getattr(settings, "SIMPLE_HISTORY_ENABLED", True) is True
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


# The scanner itself: it must catch what it is there to catch. -------------------------

BYPASSES = """
from projects.models import BudgetLine, Project
from simple_history.utils import bulk_create_with_history

def f(project, lines, user):
    Project.objects.filter(pk=1).update(title="x")
    qs = Project.objects.visible_to(user).active()
    qs.update(status="completed")
    project.budget_lines.update(amount=0)
    BudgetLine.objects.bulk_create(lines)
    BudgetLine.objects.bulk_update(lines, ["amount"])
    Project.objects.raw("UPDATE projects_project SET title = 'x'")
    through = Project.municipalities.through
    through.objects.bulk_create([])
    project.budget_lines.add(lines[0])
    project.save_without_historical_record()
    project.skip_history_when_saving = True
    self.get_queryset().update(title="y")
    Project.history.filter(id=1).update(history_user=None)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_budgetline")
    municipality.projects.add(project)
"""

ALLOWED_SOURCE = """
from django.contrib.sessions.models import Session
from projects.models import Project
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

def f(project, agreement, lines, context, kwargs):
    context.update(title="x")
    context.update({"a": 1})
    kwargs.update(page=1)
    bulk_create_with_history(lines, Project)
    bulk_update_with_history(lines, Project, ["title"])
    Project.objects.update_or_create(pk=1, defaults={"title": "x"})
    Project.objects.get_or_create(pk=1)
    Session.objects.filter(pk=1).update(expire_date=None)
    agreement.focus_areas.add(1)
    project.municipalities.set([1])
    project.budget_lines.add(lines[0], bulk=False)
    seen = set()
    seen.add(1)
"""


def test_scanner_finds_each_kind_of_bypass(registry):
    found = scan("example.py", BYPASSES, registry)

    assert sorted(f.line for f in found) == [
        6,
        8,
        9,
        10,
        11,
        12,
        14,
        15,
        16,
        17,
        18,
        19,
        21,
        22,
    ]


def test_scanner_lets_recorded_writes_and_plain_dicts_pass(registry):
    assert scan("example.py", ALLOWED_SOURCE, registry) == []


# Behaviour: a project edited as in a request --------------------------------------------


@pytest.fixture
def request_by():
    """Saves made inside the block are by `user`, as HistoryRequestMiddleware records them."""

    class Context:
        def __init__(self, user):
            self.request = RequestFactory().post("/")
            self.request.user = user

        def __enter__(self):
            HistoricalRecords.context.request = self.request

        def __exit__(self, *exc):
            del HistoricalRecords.context.request

    return Context


@pytest.mark.django_db
def test_edits_through_save_are_in_the_change_history(request_by, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nbsp = "\xa0"
    programme = ProgrammeFactory()
    agreement = AgreementFactory(
        programme=programme, municipalities=[MunicipalityFactory(name="Tydal")]
    )
    project = ProjectFactory(agreement=agreement, title="Stedsutvikling", status="draft")
    travel = CostCategoryFactory(programme=programme, name="Reiser")
    line = BudgetLineFactory(project=project, category=travel, year=2024, amount=100_000)
    funding = FundingLineFactory(
        project=project, source=OrganisationFactory(name="Husbanken"), amount=100_000
    )
    leader = UserFactory(first_name="Ola", last_name="Tydal")
    before = timezone.now()

    with request_by(leader):
        project.title = "Stedsutvikling og boliger"
        project.status = Project.Status.ACTIVE
        project.save()
        line.amount = 150_000
        line.save()
        FundingLine.objects.get(pk=funding.pk).delete()
        document = Document(
            project=project,
            title="Mulighetsstudie",
            file=SimpleUploadedFile("Mulighetsstudie.pdf", b"%PDF-1.4"),
            original_name="Mulighetsstudie.pdf",
            content_type="application/pdf",
            size=8,
            uploaded_by=leader,
        )
        document.save()
        document.delete()

    with translation.override("nb"):
        entries = changes_for_project(project)

    newest = entries[:5]
    assert {e.who for e in newest} == {"Ola Tydal"}
    assert all(before <= e.when <= timezone.now() for e in newest)
    assert [(e.what, e.action) for e in newest] == [
        ("Dokument «Mulighetsstudie.pdf»", "Slettet"),
        ("Dokument «Mulighetsstudie.pdf»", "Opprettet"),
        ("Finansieringslinje Husbanken", "Slettet"),
        ("Budsjettlinje 2024 Reiser", "Endret"),
        ("Prosjekt", "Endret"),
    ]
    project_change = {c.field: (c.old, c.new) for c in newest[4].changes}
    assert project_change == {
        "Tittel": ("Stedsutvikling", "Stedsutvikling og boliger"),
        "Status": ("Utkast", "Pågår"),
    }
    assert newest[3].changes[0].old == f"kr{nbsp}100{nbsp}000"
    assert newest[3].changes[0].new == f"kr{nbsp}150{nbsp}000"
