"""Backup and restore of the portal: the database and every stored file (attached
documents and budget sheets in the default storage, PDF reports in the reports storage,
local disk or S3), with a manifest of SHA-256 checksums and row counts that the restore
checks. `manage.py backup DIR` and `manage.py restore DIR`; see README «Backup and
restore».

- PostgreSQL: `pg_dump --format=custom` (consistent: one snapshot) and `pg_restore` into
  an empty database. SQLite: the SQLite online backup API.
- Files are read and written through Django's storages, so local disk and S3 are the same.
- A restore refuses a database that already has tables, or a file that exists with other
  content; it checks every file's checksum and every table's row count against the
  manifest before it says it is done.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

MANIFEST = "manifest.json"
DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def storage_aliases() -> list[str]:
    """The storages holding files: the default one, and the reports' when it is not the
    same place on disk (by default reports live under MEDIA_ROOT/reports/)."""
    aliases = ["default"]
    reports = settings.STORAGES.get("reports", {})
    if reports.get("BACKEND") != settings.STORAGES["default"]["BACKEND"] or reports.get("OPTIONS"):
        aliases.append("reports")
    return aliases


def walk(storage, folder: str = ""):
    """Every file name in a storage, recursively."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def pg_address() -> dict:
    """Host, port, user and database name, wherever the settings keep them (a
    DATABASE_URL may give the host and port as query parameters, in OPTIONS)."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    return {
        "host": db.get("HOST") or options.get("host") or "",
        "port": str(db.get("PORT") or options.get("port") or ""),
        "user": db.get("USER") or "",
        "dbname": db["NAME"],
    }


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    address = pg_address()
    args = []
    if address["host"]:
        args += ["--host", address["host"]]
    if address["port"]:
        args += ["--port", address["port"]]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def backup(target: Path) -> dict:
    """Write the database and the files to `target` (a new or empty folder); returns the
    manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty.")
    (target / "files").mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args]
        command += ["--file", str(target / DUMP), pg_address()["dbname"]]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        database = {"engine": "postgresql", "file": DUMP}
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(str(db["NAME"]))
        copy = sqlite3.connect(str(target / SQLITE_COPY))
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
        database = {"engine": "sqlite", "file": SQLITE_COPY}
    else:
        raise BackupError(f"No backup for the database engine {connection.vendor!r}.")
    files = []
    for alias in storage_aliases():
        storage = storages[alias]
        for name in walk(storage):
            destination = target / "files" / alias / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            with open(destination, "rb") as written:
                files.append({"storage": alias, "name": name, "sha256": sha256_of(written)})
    manifest = {"database": database, "tables": table_counts(), "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def restore(source: Path) -> dict:
    """Restore a backup into the configured (empty) database and storages, then check
    every file's checksum and every table's row count; returns the manifest."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    if table_counts():
        raise BackupError("The database is not empty: restore into an empty database.")
    db = connection.settings_dict
    engine = manifest["database"]["engine"]
    if engine != connection.vendor:
        raise BackupError(f"The backup is of {engine}, the database is {connection.vendor}.")
    if engine == "postgresql":
        connection.close()
        args, env = _pg_env()
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args]
        command += ["--dbname", pg_address()["dbname"], str(source / DUMP)]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        connection.close()
        backup_db = sqlite3.connect(str(source / SQLITE_COPY))
        live = sqlite3.connect(str(db["NAME"]))
        with live:
            backup_db.backup(live)
        backup_db.close()
        live.close()
    for entry in manifest["files"]:
        storage = storages[entry["storage"]]
        path = source / "files" / entry["storage"] / entry["name"]
        if storage.exists(entry["name"]):
            with storage.open(entry["name"], "rb") as existing:
                if sha256_of(existing) != entry["sha256"]:
                    raise BackupError(f"{entry['name']} exists with other content.")
            continue
        with open(path, "rb") as handle:
            saved = storage.save(entry["name"], ContentFile(handle.read()))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {saved}.")
    # The proof: every file as it was, every table as large as it was.
    for entry in manifest["files"]:
        with storages[entry["storage"]].open(entry["name"], "rb") as handle:
            if sha256_of(handle) != entry["sha256"]:
                raise BackupError(f"{entry['name']} differs after the restore.")
    counts = table_counts()
    if counts != manifest["tables"]:
        differing = sorted(
            t
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"Row counts differ after the restore: {', '.join(differing)}.")
    return manifest
