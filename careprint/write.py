"""Put finished PDFs and the manifest on disk without ever leaving a half-written or broken file.

Clinics print from shared folders: a PDF must be either the previous good copy or the new verified one, never a
truncated mix. Every file is written to a temporary file in the same folder and renamed over the old one, and a
lock keeps two builds from writing into one folder at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .problems import CareprintError

MANIFEST_NAME = "manifest.json"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def output_lock(out_dir: Path):
    """One build at a time per output folder; the second is told, not blocked forever or corrupted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".careprint.lock"
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CareprintError(
                f"another careprint build is writing to {out_dir} right now; wait for it to finish and run again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def read_manifest(out_dir: Path) -> dict[str, dict]:
    """Entries of the previous manifest, keyed by PDF path; an unreadable manifest is simply rebuilt."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("pdfs", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(out_dir: Path, entries: dict[str, dict], generator: str) -> None:
    """Keep entries whose PDF still exists; list them in a stable order."""
    kept = [entries[key] for key in sorted(entries) if (out_dir / key).exists()]
    body = {"generator": generator, "pdfs": kept}
    write_atomic(out_dir / MANIFEST_NAME, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8"))
