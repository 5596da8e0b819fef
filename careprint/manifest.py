"""The manifest of an output folder: what each file is, what it was made from, and its hash; untrusted input.

A manifest may be hand-edited, damaged, or come from another machine's shard. Every entry is checked before it is
used (load_manifest): its path must be one a build writes (EDITION/ID plus the edition's format's extension)
inside the output folder, every value must have its type, and the file it names must be a regular file whose bytes
are the ones it records (reconcile). An entry that fails is dropped with a warning; a manifest that cannot be read
at all is set aside (renamed, never deleted) and rebuilt. Nothing outside the output folder is ever read, hashed
or deleted because a manifest says so.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .files import MiB, is_regular_file, read_file, real_path
from .formats import format_named
from .problems import CareprintError, UsageError
from .project import ALL_EDITIONS
from .write import file_sha256, output_lock, sha256, write_atomic

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 64 * MiB
IDENTIFIER = r"[a-z0-9]+(?:-[a-z0-9]+)*"
LANGUAGE = r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?"  # careprint.locale.LANGUAGE_TAG
OUTPUT_PATH = re.compile(rf"(?P<edition>{IDENTIFIER})/(?P<id>{IDENTIFIER})(?:\.(?P<language>{LANGUAGE}))?"
                         rf"(?P<extension>\.[a-z0-9]+)")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _shown(value: object, limit: int = 60) -> str:
    """A value from an untrusted file, safe to print: quoted, escaped, cut short."""
    text = json.dumps(value, ensure_ascii=True) if isinstance(value, str) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_problem(key: object) -> str | None:
    """Why a manifest path is not one a build writes (EDITION/ID.pdf, with the extension of the edition's format,
    inside the output folder), or None."""
    if not isinstance(key, str):
        return "its path is not text"
    match = OUTPUT_PATH.fullmatch(key)
    edition = ALL_EDITIONS.get(match.group("edition")) if match else None
    if edition is None or match.group("extension") != edition.extension or len(match.group("id")) > 60:
        return (f"its path {_shown(key)} is not a file that careprint builds (EDITION/ID.pdf inside the output "
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
        return "it is not a record of a file careprint made"
    problem = path_problem(entry.get("path"))
    if problem:
        return problem
    match = OUTPUT_PATH.fullmatch(entry["path"])  # large-print/hypercalcemia.fr.pdf: a translation
    edition, handout_id, language = match.group("edition", "id", "language")
    checks = {
        "handout": lambda v: v == handout_id,
        **({"translation_status": lambda v: _is_text(v, 64), "translation_current": lambda v: isinstance(v, bool)}
           if language else {}),
        "edition": lambda v: v == edition,
        "sha256": _is_digest,
        "inputs": _is_digest,
        "next_review": _is_date,
        "source": _is_text,
        "resources": _is_resources,
        "language": lambda v: _is_text(v, 64) and (not language or v == language),
        "version": lambda v: _is_text(v, 64),
        "review_status": lambda v: _is_text(v, 64),
        "paper": lambda v: _is_text(v, 64),
        # and the facts the edition's format measures (a PDF: pages, smallest_glyph_pt), each a number
        **{name: _is_number for name in format_named(ALL_EDITIONS[edition].format).facts},
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
