"""Put finished PDFs and the manifest on disk without ever leaving a half-written or broken file.

Clinics print from shared folders: a PDF must be either the previous good copy or the new verified one, never a
truncated mix. Every file is written to a temporary file in the same folder and renamed over the old one, and a
lock keeps two builds from writing into one folder at once.

The manifest is input too, and untrusted: it may be hand-edited, damaged, or come from another machine's shard.
Every entry is checked before it is used (load_manifest): its path must be one a build writes (EDITION/ID.pdf)
inside the output folder, every value must have its type, and the file it names must be a regular file whose
bytes are the ones it records (reconcile). An entry that fails is dropped with a warning; a manifest that cannot
be read at all is set aside (renamed, never deleted) and rebuilt. Nothing outside the output folder is ever read,
hashed or deleted because a manifest says so.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .files import MiB, NotAFileError, is_regular_file, kind_of, os_error_message, read_file, real_path
from .problems import CareprintError, UsageError
from .project import ALL_EDITIONS

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".careprint.lock"
MAX_MANIFEST_BYTES = 64 * MiB
MAX_PDF_BYTES = 512 * MiB
IDENTIFIER = r"[a-z0-9]+(?:-[a-z0-9]+)*"
PDF_PATH = re.compile(rf"(?P<edition>{IDENTIFIER})/(?P<id>{IDENTIFIER})\.pdf")
# What tempfile.mkstemp makes for write_atomic: ".NAME.XXXXXXXX.tmp".
TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, renamed over the old one.

    `sync=False` skips the fsync (for the manifest's updates during a build: a crash of careprint cannot leave
    half of it, and the final write is synced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path, follow_symlinks: bool = True) -> str | None:
    """The hash of a regular file's bytes, or None when it is not one or cannot be read (missing, a folder, a FIFO,
    a device, no permission, too large)."""
    try:
        return sha256(read_file(path, MAX_PDF_BYTES, follow_symlinks=follow_symlinks))
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------------------------
# The output folder and its lock


def check_output_dir(out_dir: Path) -> None:
    """Refuse an output folder that names a file, or lies inside one, before any work is done."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: this is a file, not a folder; name a folder for the PDFs (it is made "
                         "if it does not exist)")
    for parent in Path(os.path.abspath(out_dir)).parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"--out {out_dir}: {parent} is a file, not a folder; name a folder for the PDFs")
            break


def prepare_output_dir(out_dir: Path) -> None:
    """Make the output folder if needed; a path that is a file, or a folder that cannot be made, is said plainly."""
    check_output_dir(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(
            f"--out {out_dir}: something that is not a folder is in the way; name a folder for the PDFs") from None
    except OSError as error:
        raise CareprintError(os_error_message(error, "make the output folder", error.filename or out_dir)) from None


# Lock descriptors this process holds. A forked worker inherits them, and a lock held by an inherited descriptor
# outlives the build that took it (kill -9 of the build, workers still running): workers close them at once.
_HELD_LOCKS: set[int] = set()


def close_inherited_locks() -> None:
    """In a forked worker: drop this process's copies of the build's lock descriptors (never unlock them, which
    would unlock the build's own)."""
    for descriptor in list(_HELD_LOCKS):
        try:
            os.close(descriptor)
        except OSError:
            pass
    _HELD_LOCKS.clear()


@contextmanager
def output_lock(out_dir: Path):
    """One build at a time per output folder; the second is told, not blocked forever or corrupted."""
    prepare_output_dir(out_dir)
    lock_path = out_dir / LOCK_NAME
    if os.path.islink(lock_path):
        raise CareprintError(f"{lock_path} is a symbolic link, not careprint's lock file; remove it and run again")
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise CareprintError(os_error_message(error, "open the lock file", lock_path)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise CareprintError(f"{lock_path} is {kind_of(mode)}, not careprint's lock file; remove it and run again")
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CareprintError(
                f"another careprint build is writing to {out_dir} right now; wait for it to finish and run again"
            ) from None
        _HELD_LOCKS.add(descriptor)
        try:
            yield
        finally:
            _HELD_LOCKS.discard(descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def clean_temporary_files(out_dir: Path, dry_run: bool = False) -> list[Path]:
    """Remove the temporary files a stopped build left (".NAME.XXXXXXXX.tmp"), in the folders builds write.

    Only under the lock: no other build is writing then. Only regular files that write_atomic names, for the files
    a build writes: a PDF in an edition folder, or a manifest. With dry_run, only list them."""
    removed = []
    folders = [(out_dir, lambda name: name.startswith("manifest") and name.endswith(".json"))]
    folders += [(out_dir / edition, lambda name: PDF_PATH.fullmatch(f"x/{name}") is not None)
                for edition in ALL_EDITIONS]
    for folder, wanted in folders:
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = TEMPORARY.fullmatch(entry.name)
            if match and wanted(match.group("name")) and entry.is_file(follow_symlinks=False):
                if dry_run:
                    removed.append(Path(entry.path))
                    continue
                try:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
                except OSError:
                    pass
    return removed


# ---------------------------------------------------------------------------------------------------------------
# The manifest, checked before it is believed


def _shown(value: object, limit: int = 60) -> str:
    """A value from an untrusted file, safe to print: quoted, escaped, cut short."""
    text = json.dumps(value, ensure_ascii=True) if isinstance(value, str) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_problem(key: object) -> str | None:
    """Why a manifest path is not one a build writes (EDITION/ID.pdf, inside the output folder), or None."""
    if not isinstance(key, str):
        return "its path is not text"
    match = PDF_PATH.fullmatch(key)
    if not match or match.group("edition") not in ALL_EDITIONS or len(match.group("id")) > 60:
        return (f"its path {_shown(key)} is not a PDF that careprint builds (EDITION/ID.pdf inside the output "
                "folder)")
    return None


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and HEX_DIGEST.fullmatch(value) is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_text(value: object, limit: int = 4096) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and "\0" not in value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value >= 0


def _is_project_file(name: object) -> bool:
    """A resource name: a path relative to the project, never absolute and never climbing out with '..'."""
    if not _is_text(name, 1024) or "\\" in name:
        return False
    parts = name.split("/")
    return not name.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def _is_resources(value: object) -> bool:
    return isinstance(value, dict) and all(_is_project_file(k) and _is_digest(v) for k, v in value.items())


def entry_problem(entry: object) -> str | None:
    """Why one manifest entry cannot be believed, or None. Every value a build writes must be there, with its type."""
    if not isinstance(entry, dict):
        return "it is not a record of a PDF"
    problem = path_problem(entry.get("path"))
    if problem:
        return problem
    edition, handout_id = entry["path"].removesuffix(".pdf").split("/")
    checks = {
        "handout": lambda v: v == handout_id,
        "edition": lambda v: v == edition,
        "sha256": _is_digest,
        "inputs": _is_digest,
        "next_review": _is_date,
        "source": _is_text,
        "resources": _is_resources,
        "language": lambda v: _is_text(v, 64),
        "version": lambda v: _is_text(v, 64),
        "review_status": lambda v: _is_text(v, 64),
        "paper": lambda v: _is_text(v, 64),
        "pages": lambda v: _is_number(v) and isinstance(v, int),
        "smallest_glyph_pt": _is_number,
    }
    for key, valid in checks.items():
        if key not in entry:
            return f"'{key}' is missing"
        if not valid(entry[key]):
            return f"'{key}' has a bad value ({_shown(entry[key], 40)})"
    return None


@dataclass
class ManifestRead:
    """What a manifest says, once checked: the entries that can be believed, and what was wrong with the rest."""

    entries: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # each about one entry, or about the whole file
    exists: bool = False
    digest: str = ""  # of the file's bytes: names the copy set aside, so the same damage is set aside once

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


def parse_manifest(data: bytes) -> ManifestRead:
    """Check a manifest's bytes; never raises."""
    result = ManifestRead(exists=True, digest=sha256(data))
    try:
        body = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        result.problems.append("it is not valid JSON")
        return result
    if not isinstance(body, dict) or not isinstance(body.get("pdfs"), list):
        result.problems.append("it is not a careprint manifest (no list of PDFs)")
        return result
    for number, entry in enumerate(body["pdfs"], start=1):
        problem = entry_problem(entry)
        if problem is None and entry["path"] in result.entries:
            problem = f"{entry['path']} is listed twice"
        if problem:
            result.problems.append(f"entry {number}: {problem}")
        else:
            result.entries[entry["path"]] = entry
    return result


def load_manifest(out_dir: Path, name: str = MANIFEST_NAME) -> ManifestRead:
    """Read and check a manifest; a missing one is simply empty. Never raises, never blocks, never follows a
    symbolic link out of the folder."""
    path = out_dir / name
    try:
        data = read_file(path, MAX_MANIFEST_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        return ManifestRead()
    except NotADirectoryError:
        return ManifestRead()  # the output folder is a file: said when the build starts
    except OSError as error:
        if error.errno == errno.ELOOP:
            return ManifestRead(exists=True, problems=["it is a symbolic link, not a file careprint wrote"])
        cause = error.strerror or type(error).__name__
        return ManifestRead(exists=True, problems=[f"it cannot be read ({cause})"])
    return parse_manifest(data)


def read_manifest(out_dir: Path, name: str = MANIFEST_NAME) -> dict[str, dict]:
    """The entries of the previous manifest that can be believed, keyed by PDF path."""
    return load_manifest(out_dir, name).entries


def set_aside(out_dir: Path, name: str, read: ManifestRead) -> Path | None:
    """Rename a damaged manifest to NAME.damaged-XXXXXXXXXXXX (from its bytes), so a person can look at it; never
    deleted. None when it could not be moved (then it is simply overwritten by the new one)."""
    target = out_dir / f"{name}.damaged-{(read.digest or 'unreadable')[:12]}"
    try:
        os.replace(out_dir / name, target)
    except OSError:
        return None
    return target


def managed_file(out_dir: Path, key: str) -> Path | None:
    """The file a manifest path names, if it is a regular file (not a link) inside the output folder; else None."""
    if path_problem(key):
        return None
    path = out_dir / key
    if not real_path(path.parent).is_relative_to(real_path(out_dir)):
        return None  # the edition folder is a link that leads out of the output folder
    return path if is_regular_file(path, follow_symlinks=False) else None


def reconcile(out_dir: Path, entries: dict[str, dict]) -> tuple[dict[str, dict], list[str]]:
    """Keep the entries that describe the files on disk exactly; (kept, what was dropped and why).

    A listed PDF that is gone is dropped quietly (it is rebuilt); one whose bytes differ from the record, or that is
    no longer a plain file inside the folder, is dropped with a warning and never deleted or read further."""
    kept, notes = {}, []
    for key, entry in entries.items():
        path = managed_file(out_dir, key)
        if path is None:
            if os.path.lexists(out_dir / key):
                notes.append(f"{out_dir / key} is no longer a plain file inside {out_dir}; it is left alone and no "
                             "longer listed in the manifest")
            continue
        if file_sha256(path, follow_symlinks=False) != entry["sha256"]:
            notes.append(f"{path} is not the PDF the manifest lists (it was changed, or replaced by a build that was "
                         "stopped); it is no longer listed, and is made again when a build includes it")
            continue
        kept[key] = entry
    return kept, notes


def manifest_bytes(entries: dict[str, dict], generator: str, pretty: bool = True) -> bytes:
    """The manifest's bytes: indented for people; compact (and many times faster to make) for the updates a build
    writes after each PDF."""
    body = {"generator": generator, "pdfs": [entries[key] for key in sorted(entries)]}
    if not pretty:
        return (json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_manifest(out_dir: Path, entries: dict[str, dict], generator: str, name: str = MANIFEST_NAME,
                   final: bool = True) -> None:
    """List the entries in a stable order. The final write keeps only entries whose PDF is still there, and is
    synced to disk; the updates a build makes after each PDF are neither (the build keeps its entries exact)."""
    if final:
        entries = {key: entry for key, entry in entries.items() if managed_file(out_dir, key) is not None}
    write_atomic(out_dir / name, manifest_bytes(entries, generator, pretty=final), sync=final)


def write_pdf(out_dir: Path, key: str, data: bytes) -> Path:
    """Write one PDF a build made at its manifest path; only ever inside the output folder."""
    problem = path_problem(key)
    if problem:
        raise ValueError(problem)  # a careprint bug: tasks always have such paths
    path = out_dir / key
    if os.path.lexists(path.parent) and not real_path(path.parent).is_relative_to(real_path(out_dir)):
        raise NotAFileError(errno.EXDEV, f"the folder {path.parent} is a link that leads out of {out_dir}; remove "
                            "the link (careprint writes only inside the output folder)", str(path))
    write_atomic(path, data)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Shards


def merge_manifests(out_dir: Path, generator: str) -> tuple[int, int]:
    """One manifest.json from every manifest-shard-I-of-N.json in a folder, after checking each listed PDF.

    Refuses a set with a shard missing, two shards disagreeing about one PDF, an entry that is not a PDF careprint
    builds inside this folder, or a PDF that is not the one its shard built: a merged manifest must describe exactly
    the files beside it. Never reads a file outside the folder.
    """
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder; name the folder that holds the shards' PDFs and manifests")
    with output_lock(out_dir):
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
            read = load_manifest(out_dir, path.name)
            if read.damaged:
                problems += [f"{path}: {problem}; rebuild that shard" for problem in read.problems[:10]]
                continue
            for key, entry in read.entries.items():
                if key in merged and merged[key]["sha256"] != entry["sha256"]:
                    problems.append(f"{key} is listed by two shards with different contents")
                target = managed_file(out_dir, key)
                if target is None or file_sha256(target, follow_symlinks=False) != entry["sha256"]:
                    problems.append(f"{key} is missing or is not the PDF its shard built ({path.name})")
                merged[key] = entry
        if problems:
            raise CareprintError(problems[:20])
        write_manifest(out_dir, merged, generator)
    return len(merged), len(found)
