"""How an arkivmelding reaches the county's archive, chosen by ARCHIVE_TRANSPORT:

- «storage»: a package in a storage (local folder or S3) that the archive's import
  reads: `<key>/arkivmelding.xml` and the files; its receipts are dropped back as
  `kvitteringer/<key>.xml` and collected by a periodic task.
- «email»: an e-mail to the records mailbox (postmottak) with the XML and the files
  attached; no machine receipt (an adviser marks the record received by hand).
- «none»: archiving is off; records wait.
- a dotted path to a Transport class: another sender (a Fiks IO client, a test double).

A transport raises TransportError when it could not deliver and another try may help.
"""

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MESSAGE_NAME = "arkivmelding.xml"
RECEIPT_FOLDER = "kvitteringer"


class TransportError(Exception):
    """The message did not get through (the archive or the way to it is down)."""


class Transport:
    """Sends one record's message with its files. `send` returns the archive's receipt
    (XML bytes) when the answer comes at once, None when it comes later (`receipts`)
    or never (an adviser confirms by hand). Sending the same key again must be safe."""

    name = ""
    gives_receipts = False

    def send(self, message: bytes, files: dict[str, bytes], *, key: str) -> bytes | None:
        raise NotImplementedError

    def receipts(self) -> Iterator[tuple[str, bytes]]:
        """Receipts that came later, as (external key, XML)."""
        return iter(())

    def receipt_done(self, key: str) -> None:
        """The receipt for `key` is stored: it need not be read again."""


class StorageTransport(Transport):
    name = "storage"
    gives_receipts = True

    def __init__(self, storage=None):
        self.storage = storage or storages["archive"]

    def send(self, message, files, *, key):
        try:
            # The files first, the message last: the import takes a package once its
            # arkivmelding.xml is there. A retry writes the same names again.
            for filename, content in files.items():
                self._write(f"{key}/{filename}", content)
            self._write(f"{key}/{MESSAGE_NAME}", message)
        except OSError as error:
            raise TransportError(str(error) or type(error).__name__) from error
        except Exception as error:  # an object store's client errors
            raise TransportError(str(error) or type(error).__name__) from error
        return None

    def _write(self, name: str, content: bytes) -> None:
        storage = self.storage
        if isinstance(storage, FileSystemStorage):
            path = Path(storage.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, path)  # whole or not at all; overwrites
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            return
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            raise TransportError(f"The storage kept {saved!r} instead of {name!r}.")

    def receipts(self):
        try:
            _folders, names = self.storage.listdir(RECEIPT_FOLDER)
        except (FileNotFoundError, OSError):
            return
        for filename in sorted(names):
            if not filename.endswith(".xml"):
                continue
            with self.storage.open(f"{RECEIPT_FOLDER}/{filename}", "rb") as handle:
                yield filename[: -len(".xml")], handle.read()

    def receipt_done(self, key):
        self.storage.delete(f"{RECEIPT_FOLDER}/{key}.xml")


class EmailTransport(Transport):
    name = "email"

    def send(self, message, files, *, key):
        if not settings.ARCHIVE_EMAIL_TO:
            raise TransportError("ARCHIVE_EMAIL_TO is not set.")
        email = EmailMessage(
            subject=f"Arkivmelding {key}",
            body=(
                "Arkivmelding fra I LAG-portalen (Fiks Arkiv V1). Ekstern nøkkel: "
                f"{key}. Meldingen og dokumentene er vedlagt; samme nøkkel er samme "
                "journalpost.\n"
            ),
            to=[settings.ARCHIVE_EMAIL_TO],
        )
        email.attach(MESSAGE_NAME, message, "application/xml")
        for filename, content in files.items():
            email.attach(filename, content)
        try:
            email.send()
        except OSError as error:  # SMTP and connection errors
            raise TransportError(str(error) or type(error).__name__) from error
        return None


class NoTransport(Transport):
    name = "none"


def get_transport() -> Transport:
    """The transport of ARCHIVE_TRANSPORT."""
    chosen = settings.ARCHIVE_TRANSPORT
    if chosen == "storage":
        return StorageTransport()
    if chosen == "email":
        return EmailTransport()
    if chosen == "none":
        return NoTransport()
    return import_string(chosen)()
