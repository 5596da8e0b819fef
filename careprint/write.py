"""Put finished files on disk without ever leaving a half-written or broken one.

Clinics print from shared folders: a PDF must be either the previous good copy or the new verified one, never a
truncated mix. Every file is written to a temporary file in the same folder and renamed over the old one, and a
lock keeps two builds from writing into one folder at once. (The manifest beside them: careprint.manifest.)
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .files import MiB, NotAFileError, kind_of, os_error_message, read_file, real_path
from .problems import CareprintError, UsageError
from .project import ALL_EDITIONS

LOCK_NAME = ".careprint.lock"
MAX_OUTPUT_BYTES = 512 * MiB  # no file careprint makes comes near this; a larger one is not hashed
# What tempfile.mkstemp makes for write_atomic: ".NAME.XXXXXXXX.tmp".
TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


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
        return sha256(read_file(path, MAX_OUTPUT_BYTES, follow_symlinks=follow_symlinks))
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
    from .manifest import path_problem

    removed = []
    folders = [(out_dir, lambda name: name.startswith("manifest") and name.endswith(".json"))]
    folders += [(out_dir / edition, lambda name, edition=edition: path_problem(f"{edition}/{name}") is None)
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


def write_output(out_dir: Path, key: str, data: bytes) -> Path:
    """Write one file a build made at its manifest path; only ever inside the output folder."""
    from .manifest import path_problem

    problem = path_problem(key)
    if problem:
        raise ValueError(problem)  # a careprint bug: tasks always have such paths
    path = out_dir / key
    if os.path.lexists(path.parent) and not real_path(path.parent).is_relative_to(real_path(out_dir)):
        raise NotAFileError(errno.EXDEV, f"the folder {path.parent} is a link that leads out of {out_dir}; remove "
                            "the link (careprint writes only inside the output folder)", str(path))
    write_atomic(path, data)
    return path
