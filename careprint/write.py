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


def file_sha256(path: Path) -> str | None:
    """The hash of a file's bytes, or None when it cannot be read (missing, a folder, no permission)."""
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


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


def read_manifest(out_dir: Path, name: str = MANIFEST_NAME) -> dict[str, dict]:
    """Entries of the previous manifest, keyed by PDF path; an unreadable manifest is simply rebuilt."""
    try:
        data = json.loads((out_dir / name).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("pdfs", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(out_dir: Path, entries: dict[str, dict], generator: str, name: str = MANIFEST_NAME) -> None:
    """Keep entries whose PDF still exists; list them in a stable order."""
    kept = [entries[key] for key in sorted(entries) if (out_dir / key).exists()]
    body = {"generator": generator, "pdfs": kept}
    write_atomic(out_dir / name, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def merge_manifests(out_dir: Path, generator: str) -> tuple[int, int]:
    """One manifest.json from every manifest-shard-I-of-N.json in a folder, after checking each listed PDF.

    Refuses a set with a shard missing, two shards disagreeing about one PDF, or a PDF that is not the one its
    shard built: a merged manifest must describe exactly the files beside it.
    """
    import re

    found = {}
    for path in sorted(out_dir.glob("manifest-shard-*-of-*.json")):
        match = re.fullmatch(r"manifest-shard-(\d+)-of-(\d+)\.json", path.name)
        if match:
            found[path] = (int(match.group(1)), int(match.group(2)))
    if not found:
        raise CareprintError(f"no shard manifests (manifest-shard-I-of-N.json) in {out_dir}; "
                             "build each shard with --shard I/N into this folder first")
    counts = {count for _, count in found.values()}
    if len(counts) != 1:
        raise CareprintError(f"the shard manifests in {out_dir} come from different splits ({sorted(counts)}); "
                             "keep the manifests of one split only")
    count = counts.pop()
    missing = sorted(set(range(1, count + 1)) - {index for index, _ in found.values()})
    if missing:
        raise CareprintError(f"shard {', '.join(map(str, missing))} of {count} has no manifest in {out_dir}; "
                             "build it, or copy its output here, then merge again")
    merged: dict[str, dict] = {}
    problems = []
    for path in found:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["pdfs"]
        except (OSError, ValueError, KeyError, TypeError):
            raise CareprintError(f"{path} is not a careprint manifest; rebuild that shard") from None
        for entry in entries:
            key = entry["path"]
            if key in merged and merged[key]["sha256"] != entry["sha256"]:
                problems.append(f"{key} is listed by two shards with different contents")
            if file_sha256(out_dir / key) != entry["sha256"]:
                problems.append(f"{key} is missing or is not the PDF its shard built ({path.name})")
            merged[key] = entry
    if problems:
        raise CareprintError(problems[:20])
    with output_lock(out_dir):
        write_manifest(out_dir, merged, generator)
    return len(merged), len(found)
