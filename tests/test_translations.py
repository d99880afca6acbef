"""The bokmål and nynorsk catalogues (locale/nb|nn/LC_MESSAGES/django.po) are complete
and up to date.

Complete: every entry has a translation (every plural form) and none is fuzzy, since
gettext ignores fuzzy entries at run time and the page would fall back to English.
Up to date: every string `makemessages` extracts from the sources today is in the
catalogue, and nothing in it is left over from strings that are gone.

No database; needs GNU gettext (xgettext, msgfmt), which `scripts/system-deps.sh` installs.
"""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Every language the portal offers but English (its source language) has a catalogue.
LANGUAGES = {"nb": "bokmål", "nn": "nynorsk"}


def po_path(language: str) -> Path:
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


def fix(language: str) -> str:
    return f"run `make messages` and translate the new entries in {po_path(language).relative_to(BASE_DIR)}"


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def language(request):
    return request.param


# Left out of the copy that strings are extracted from: what `make messages` ignores,
# generated or local files, and the catalogue itself (so the copy gets a fresh one).
NOT_COPIED = {"locale", ".venv", "node_modules", "staticfiles", "media", "db.sqlite3"}
MAKEMESSAGES_IGNORE = [".venv/*", "node_modules/*", "staticfiles/*", "media/*"]


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


def parse_po(text: str) -> list[Entry]:
    """A minimal PO reader: enough for the files GNU gettext and makemessages write."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, target
        if entry.msgid is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        elif line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.groups()
            if keyword == "msgid" and entry.msgid is not None:
                finish()  # entries not separated by a blank line
            name = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (name, int(index) if index is not None else 0)
            _append(entry, target, _unquote(token))
        elif line.startswith('"') and target is not None:
            _append(entry, target, _unquote(line))
        else:
            raise ValueError(f"Unreadable line in the catalogue: {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)


def catalogue(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the live (not obsolete) messages of a .po file."""
    entries = [e for e in parse_po(path.read_text(encoding="utf-8")) if not e.obsolete]
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f'{path} has no header entry (msgid "")'
    return headers[0], [e for e in entries if e is not headers[0]]


def describe(keys) -> str:
    lines = []
    for msgctxt, msgid, msgid_plural in sorted(keys, key=lambda k: (k[1], k[0] or "")):
        text = repr(msgid)
        if msgid_plural is not None:
            text += f" / plural {msgid_plural!r}"
        if msgctxt is not None:
            text += f" (context {msgctxt!r})"
        lines.append(f"  - {text}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def committed(language):
    path = po_path(language)
    assert path.exists(), f"{path} is missing; {fix(language)}"
    return catalogue(path)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What `makemessages -l nb` extracts from the sources now, run on a copy of the project
    so that the committed catalogue is never touched."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is not installed; run scripts/system-deps.sh")
    copy = tmp_path_factory.mktemp("makemessages") / "project"

    def ignore(directory, names):
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if Path(directory) == BASE_DIR:
            skipped |= {n for n in names if n in NOT_COPIED or n.startswith(".")}
        return skipped

    shutil.copytree(BASE_DIR, copy, ignore=ignore, symlinks=True)
    command = [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete"]
    for pattern in MAKEMESSAGES_IGNORE:
        command += ["-i", pattern]
    # Settings need DEBUG or a SECRET_KEY; LOCALE_PATHS follows the copied settings module,
    # so the new catalogue is written inside the copy.
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "ilag.settings"}
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    fresh = copy / po_path("nb").relative_to(BASE_DIR)
    assert fresh.exists(), f"makemessages wrote no catalogue at {fresh}:\n{result.stderr}"
    return catalogue(fresh)[1]


def test_catalogue_header_names_its_language_utf8_with_plural_forms(committed, language):
    header, _ = committed
    assert "fuzzy" not in header.flags, (
        "The catalogue's header is marked fuzzy, so its Plural-Forms are ignored; "
        "remove the '#, fuzzy' line above msgid \"\"."
    )
    text = header.msgstr.get(0, "")
    assert f"Language: {language}\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text


def test_every_entry_is_translated_and_none_is_fuzzy(committed, language):
    _, entries = committed
    untranslated = [
        e.key
        for e in entries
        if not e.msgstr
        or any(not text for text in e.msgstr.values())
        or (e.msgid_plural is not None and len(e.msgstr) < 2)
    ]
    fuzzy = [e.key for e in entries if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(
            f"Entries without a {LANGUAGES[language]} translation:\n{describe(untranslated)}"
        )
    if fuzzy:
        problems.append(
            "Fuzzy entries (ignored at run time; check the translation, then remove "
            f"'#, fuzzy'):\n{describe(fuzzy)}"
        )
    assert not problems, "\n".join(problems) + f"\nTo fix: {fix(language)}."


def test_catalogue_compiles_with_matching_placeholders(language):
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext (msgfmt) is not installed; run scripts/system-deps.sh")
    # --check: the header is well formed and every %(name)s of a python-format msgid is
    # kept in its translation (what compilemessages runs, plus the header check).
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"msgfmt rejects the catalogue:\n{result.stderr}"


def test_catalogue_has_every_string_in_the_sources(committed, extracted, language):
    present = {e.key for e in committed[1]}
    missing = [e.key for e in extracted if e.key not in present]
    assert not missing, (
        f"{len(missing)} translatable string(s) in the sources are not in "
        f"{po_path(language).relative_to(BASE_DIR)}:\n{describe(missing)}\n"
        f"To fix: {fix(language)}."
    )


def test_catalogue_has_no_strings_that_are_gone_from_the_sources(committed, extracted, language):
    wanted = {e.key for e in extracted}
    stale = [e.key for e in committed[1] if e.key not in wanted]
    assert not stale, (
        f"{len(stale)} entr(y/ies) in {po_path(language).relative_to(BASE_DIR)} no longer "
        f"match any string in the sources:\n{describe(stale)}\nTo fix: {fix(language)}."
    )


def test_every_offered_language_but_english_has_a_catalogue():
    from django.conf import settings

    assert {code for code, _name in settings.LANGUAGES} - {"en"} == set(LANGUAGES)
