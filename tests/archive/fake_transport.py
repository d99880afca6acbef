"""The fake archive (fake_archive.py) behind the archive's Transport interface, shared by
the test process and the real Celery worker through a pickled state file (the worker is
another process): settings_test.ARCHIVE_TRANSPORT points here, and the file is named by
the environment variable ILAG_FAKE_ARCHIVE_STATE (set in tests/conftest.py, inherited by
the worker)."""

import contextlib
import fcntl
import os
import pickle
import time
from pathlib import Path

from archive.transports import Transport, TransportError
from tests.archive.fake_archive import FakeArchive

STATE_ENV = "ILAG_FAKE_ARCHIVE_STATE"
# A file name: after delivering, the sender writes its process id there and hangs, to be
# killed mid-send by the test (the archive has the record, the portal not its receipt).
HANG_ENV = "ILAG_FAKE_ARCHIVE_HANG_AFTER_DELIVERY"


def state_path() -> Path:
    return Path(os.environ[STATE_ENV])


@contextlib.contextmanager
def shared_archive(*, write: bool = True):
    """The fake archive as both processes see it, locked while in use."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            archive = pickle.loads(path.read_bytes()) if path.exists() else FakeArchive()
            yield archive
            if write:
                path.write_bytes(pickle.dumps(archive))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def reset_archive() -> None:
    with shared_archive() as archive:
        archive.__init__()


class FakeArchiveTransport(Transport):
    """Delivers at once and returns the archive's receipt (or its error receipt); the
    archive being down is a TransportError, as for a real sender."""

    name = "fake"

    def send(self, message, files, *, key):
        # The failure is consumed inside the block, so the state file keeps it used up.
        with shared_archive() as archive:
            try:
                receipt, down = archive.receive(message, files), None
            except ConnectionError as error:
                receipt, down = None, error
        if down is not None:
            raise TransportError(str(down)) from down
        if hang := os.environ.get(HANG_ENV):
            Path(hang).write_text(str(os.getpid()))
            time.sleep(600)
        return receipt
