"""Reading files that may be hostile: only regular files, never more than a limit, never a hang.

Every file careprint reads may have been put there by someone else: a handout folder can hold a named pipe (FIFO)
that blocks a reader for ever, a manifest can name /dev/zero, a picture can be a symbolic link that loops. Every
read goes through read_file(), which looks at what the path is before opening it (a FIFO or a device is never
opened for reading), opens it without blocking, checks again on the open file, and stops at a size limit.

Errors are OSErrors, so callers that already turn OSError into a message keep working; describe_os_error() says
what a failure means and what to do, in words a nurse or an author can act on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MiB = 1024 * 1024


class NotAFileError(OSError):
    """The path is a folder, a FIFO, a device or a socket: something that is not a regular file."""

    kind = "not a regular file"  # 'a named pipe (FIFO)', 'a device', ...


class FolderError(NotAFileError, IsADirectoryError):
    """The path is a folder."""

    kind = "a folder"


class FileTooLargeError(OSError):
    """The file is larger than the reader allows."""


def kind_of(mode: int) -> str:
    """'a folder', 'a named pipe (FIFO)', ... for a stat mode that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _not_a_file(path, mode: int) -> NotAFileError:
    if stat.S_ISDIR(mode):
        return FolderError(errno.EISDIR, "it is a folder, not a file", str(path))
    error = NotAFileError(errno.EINVAL, f"it is {kind_of(mode)}, not a file", str(path))
    error.kind = kind_of(mode)
    return error


def read_file(path: Path | str, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises OSError (NotAFileError, FileTooLargeError,
    or the system's error) otherwise. Never opens a FIFO or a device for reading, so it never blocks."""
    info = os.stat(path, follow_symlinks=follow_symlinks)
    if not stat.S_ISREG(info.st_mode):
        raise _not_a_file(path, info.st_mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)  # the path may have been swapped for something else since the stat above
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_file(path, info.st_mode)
        if info.st_size > limit:
            raise FileTooLargeError(errno.EFBIG, f"it is larger than {_size(limit)}", str(path))
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, MiB))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # grew while being read
            raise FileTooLargeError(errno.EFBIG, f"it is larger than {_size(limit)}", str(path))
        return data
    finally:
        os.close(descriptor)


def read_text(path: Path | str, limit: int) -> str:
    return read_file(path, limit).decode("utf-8")


def is_regular_file(path: Path | str, *, follow_symlinks: bool = True) -> bool:
    """True for a regular file; False for anything else, a missing path, a loop or a path that cannot be looked at."""
    try:
        return stat.S_ISREG(os.stat(path, follow_symlinks=follow_symlinks).st_mode)
    except (OSError, ValueError):
        return False


def real_path(path: Path | str) -> Path:
    """Path.resolve() that never raises: a symbolic link loop resolves as far as it goes (Path.resolve raises
    RuntimeError for a loop in Python 3.11)."""
    return Path(os.path.realpath(path))


def _size(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit >= MiB else f"{limit // 1024} KiB"


# What an OSError means, and what to do about it. The cause comes first, in plain words; then the remedy.
_CAUSES = {
    errno.ENOSPC: ("the disk is full", "free some space on that disk, or choose another folder, then run again"),
    errno.EDQUOT: ("your disk quota is used up", "free some space, or choose another folder, then run again"),
    errno.EFBIG: ("the file is larger than the system allows here (a file size limit)",
                  "raise the limit (ulimit -f), or choose another folder, then run again"),
    errno.EROFS: ("the disk is read-only", "choose a folder on a disk you can write to"),
    errno.EACCES: ("permission denied", "ask for access to it, or choose a folder you may use"),
    errno.EPERM: ("the operation is not permitted there", "ask for access to it, or choose a folder you may use"),
    errno.ELOOP: ("it is a symbolic link that leads back to itself (a loop)",
                  "remove the link, or point it at a real file"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "check the path"),
    errno.ENOENT: ("it does not exist", "check the path"),
    errno.ENAMETOOLONG: ("the path is too long", "choose a shorter path"),
    errno.EIO: ("the disk reported an input/output error", "check the disk, or choose another folder"),
    errno.EMFILE: ("too many files are open", "close other programs and run again"),
    errno.ENOMEM: ("the computer ran out of memory", "close other programs, or run with --jobs 1"),
}


def describe_os_error(error: OSError) -> tuple[str, str]:
    """(cause, what to do) for an OSError, in plain words."""
    if isinstance(error, (NotAFileError, FileTooLargeError)):
        return error.strerror, "remove it, or name a regular file"
    cause, remedy = _CAUSES.get(error.errno, (None, "check the path and run again"))
    if cause is None:
        text = error.strerror or str(error) or type(error).__name__
        cause = text[:1].lower() + text[1:]
    return cause, remedy


def os_error_message(error: OSError, doing: str, path: Path | str | None = None) -> str:
    """'could not write out/x.pdf: the disk is full; free some space ...' for an OSError while `doing`."""
    where = path if path is not None else (error.filename or "")
    cause, remedy = describe_os_error(error)
    return f"could not {doing} {where}: {cause}; {remedy}" if where else f"could not {doing}: {cause}; {remedy}"
