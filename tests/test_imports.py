"""The layering holds without tricks: no import hides inside a function to dodge a
cycle. The import contracts themselves run in `make lint` (lint-imports)."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("ilag", "accounts", "municipalities", "agreements", "projects", "evaluations")
APPS += ("payouts", "documents", "reports", "archive", "portal")


def function_level_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append((inner.lineno, f"{node.name}()"))
    return found


def test_no_app_module_imports_inside_a_function():
    # AppConfig.ready() is where Django wants imports that need the loaded apps.
    offenders = [
        f"{path.relative_to(ROOT)}:{line} in {where}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "apps.py"
        for line, where in function_level_imports(path)
    ]
    assert offenders == []


def test_the_import_contract_covers_every_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    assert list(reversed(contract["layers"])) == list(APPS)
    assert sorted(config["root_packages"]) == sorted(APPS)
