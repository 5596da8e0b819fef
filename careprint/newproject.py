"""`careprint new DIR`: a clinic's own project folder, made from what careprint ships.

Why this exists: careprint's code and theme are shared, but a clinic's settings, handouts, sources and pictures are
its own and must never be mixed with another clinic's (careprint.project.find_project refuses to run outside a
project). A new project starts from the handouts careprint ships, as drafts: their clinical review is the new
clinic's to do, so an approval in a shipped copy is never carried over. The folder is assembled beside its final
place and moved there only when complete, so a failure never leaves half a project, and a folder that already holds
anything is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

from .files import MiB, read_file, read_text
from .problems import CareprintError, UsageError
from .project import PACKAGE, SHIPPED_CONTENT

STARTER_FILES = PACKAGE / "starter"  # the new project's clinic.yaml, README.md and .gitignore
# What is copied from the content careprint ships (in a checkout: the repository's own folders).
REFERENCE_FILES = ("sources.yaml", "glossary.yaml", "warning-signs.yaml")
MAX_STARTER_BYTES = 4 * MiB


def starter_files() -> dict[str, bytes]:
    """Every file of a new project, by its path in the project."""
    from .schema import schema_text

    files = {"clinic.yaml": read_file(STARTER_FILES / "clinic.yaml", MAX_STARTER_BYTES),
             "README.md": read_file(STARTER_FILES / "README.md", MAX_STARTER_BYTES),
             ".gitignore": read_file(STARTER_FILES / "gitignore", MAX_STARTER_BYTES)}
    for path in sorted((SHIPPED_CONTENT / "handouts").glob("*.yaml")):
        if not path.name.startswith((".", "_")):
            files[f"handouts/{path.name}"] = as_draft(read_text(path, MAX_STARTER_BYTES), path.name).encode("utf-8")
    for name in REFERENCE_FILES:
        files[f"reference/{name}"] = read_file(SHIPPED_CONTENT / "reference" / name, MAX_STARTER_BYTES)
    for path in sorted((SHIPPED_CONTENT / "images").iterdir()):
        if path.is_file() and not path.name.startswith("."):
            files[f"images/{path.name}"] = read_file(path, MAX_STARTER_BYTES)
    # The translations careprint ships (drafts, each bound to the English it translates: careprint.translation).
    for path in sorted((SHIPPED_CONTENT / "translations").glob("*/*.yaml")):
        if not path.name.startswith((".", "_")):
            files[f"translations/{path.parent.name}/{path.name}"] = read_file(path, MAX_STARTER_BYTES)
    files["schema/handout.schema.json"] = schema_text().encode("utf-8")  # the handouts' first line points here
    return files


def as_draft(text: str, name: str = "handout") -> str:
    """The handout with its review status set to draft and any approver and approval date removed; comments and
    every other line kept as they are."""
    lines, inside = [], False
    for line in text.splitlines(keepends=True):
        if re.match(r"review:\s*(#.*)?$", line):
            inside = True
        elif inside and line.strip() and not line[0].isspace():
            inside = False
        elif inside and re.match(r"\s+status:", line):
            line = re.sub(r"(\s+status:).*", r"\1 draft", line.rstrip("\n")) + "\n"
        elif inside and re.match(r"\s+approved\w*:", line):
            continue
        lines.append(line)
    result = "".join(lines)
    review = (yaml.safe_load(result) or {}).get("review") or {}
    if review.get("status") != "draft" or any(key.startswith("approved") for key in review):
        raise CareprintError(f"careprint could not mark the shipped handout {name} as a draft, so no project was "
                             "made; this is a bug in careprint: report it to the careprint maintainers")
    return result


def next_steps(folder: Path, program: str) -> str:
    """What `careprint new` prints: what it made, and what to do next."""
    project = f" --project {folder}" if folder != Path(".") else ""
    return (f"made a careprint project in {folder}/: clinic.yaml, handouts/ (three drafts to start from), "
            f"reference/, images/, schema/, .gitignore and README.md\n"
            f"next: fill in {folder / 'clinic.yaml'} with your clinic's name and numbers, then run "
            f"{program} check{project} and {program} build{project}")


def make_project(folder: Path) -> list[str]:
    """Make the project folder; returns the paths of the files written. Refuses a folder that holds anything."""
    target = Path(os.path.abspath(folder))
    if target.exists() and not target.is_dir():
        raise UsageError(f"{folder} is a file; name a new folder for the project (careprint new makes it)")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{folder} already exists and is not empty; careprint new never writes into a folder that "
                         "holds anything: name a new folder (careprint new makes it), or empty this one")
    files = starter_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.careprint-new-{os.getpid()}"
    staging.mkdir()
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.is_dir():  # an empty folder (perhaps the current one): the finished files move into it
            for entry in sorted(staging.iterdir()):
                os.rename(entry, target / entry.name)
            staging.rmdir()
        else:
            os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(files)
