"""Which outputs a build must make: the selected handouts in each edition, in this shard, whose inputs changed.

An output depends on its handout file, the source registry, the glossary, the shared sign lists, the clinic
settings, what its format draws on (for a PDF: the templates and the base, edition, paper and font stylesheets),
careprint's own code and words (locales), the font files and the versions of the libraries that draw it, and on the
edition and paper size. Each output's manifest entry records a hash of all of that, so a rebuild skips what it
already made.
Everything here reads raw bytes only: deciding that there is nothing to do must stay cheap and must never import
WeasyPrint or even parse the YAML.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .files import MiB, read_file, real_path
from .fonts import FAMILIES
from .formats import all_formats, format_named
from .project import ALL_EDITIONS, PACKAGE, THEME, Project, theme_file
from .write import file_sha256

MAX_INPUT_BYTES = 64 * MiB  # any one input file; the stage that reads it properly says what is wrong with it

PACKAGE_DIR = PACKAGE

Shard = tuple[int, int]  # (index from 1, count)


@dataclass(frozen=True)
class Task:
    handout_id: str
    handout_file: Path
    edition: str
    input_hash: str
    extension: str = ".pdf"  # the edition's format's
    language: str | None = None  # a translation's language; None: the handout's own
    translation_file: Path | None = None  # translations/<language>/<handout id>.yaml

    @property
    def path(self) -> str:
        """Where the output goes, relative to the output folder: a translation's beside the handout's, with its
        language before the extension (large-print/hypercalcemia.fr.pdf)."""
        language = f".{self.language}" if self.language else ""
        return f"{self.edition}/{self.handout_id}{language}{self.extension}"

    @property
    def source_file(self) -> Path:
        """The file the output is made from: the translation's, or the handout's."""
        return self.translation_file or self.handout_file


def handout_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith((".", "_")))


def parse_shard(text: str) -> Shard:
    """'2/4' -> (2, 4); raises ValueError with a plain message."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"'{text}' is not a shard; write I/N, e.g. 1/4") from None
    if not 1 <= index <= count:
        raise ValueError(f"shard {text}: I must be between 1 and N")
    return index, count


def in_shard(handout_id: str, shard: Shard | None) -> bool:
    """A stable split by handout id: adding a handout never moves the others to another shard."""
    return shard is None or zlib.crc32(handout_id.encode()) % shard[1] == shard[0] - 1


def manifest_name(shard: Shard | None) -> str:
    return "manifest.json" if shard is None else f"manifest-shard-{shard[0]}-of-{shard[1]}.json"


def source_name(root: Path, path: Path) -> str:
    """How a manifest names the handout file a PDF was made from: from the project root where possible."""
    resolved, root = real_path(path), real_path(root)
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else resolved.as_posix()


def withdrawn(manifest: dict[str, dict], root: Path) -> list[str]:
    """PDFs whose handout file is gone: a withdrawn handout must not stay in the folder the clinic prints from."""
    return sorted(path for path, entry in manifest.items()
                  if entry.get("source") and not (root / entry["source"]).is_file())


def _input_bytes(path: Path) -> bytes:
    """A file's bytes for hashing; a file that cannot be read (missing, a FIFO, a loop) hashes as a marker, and
    the stage that reads it for real reports why."""
    try:
        return read_file(path, MAX_INPUT_BYTES)
    except OSError as error:
        return f"<unreadable: {type(error).__name__} {error.errno}>".encode()


def _hash_files(digest, paths, base: Path) -> None:
    """Each file's path from `base` (a theme file's from the theme) and its bytes: a file moved to another folder,
    or a project's own stylesheet or template in place of the theme's, changes the hash too."""
    for path in sorted(paths):
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else \
            "theme:" + path.relative_to(THEME).as_posix() if path.is_relative_to(THEME) else path.name
        digest.update(name.encode() + b"\0")
        digest.update(_input_bytes(path))
        digest.update(b"\0")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """careprint's own code, its locale files (the words it prints), the library versions and the font files."""
    digest = hashlib.sha256()
    _hash_files(digest, PACKAGE_DIR.rglob("*.py"), PACKAGE_DIR)
    _hash_files(digest, PACKAGE_DIR.glob("locales/*.yaml"), PACKAGE_DIR)
    for name in sorted({name for each in all_formats() for name in each.libraries}):
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    for family in FAMILIES.values():  # every family's files: a font change rebuilds
        if family.collection:  # a 20 MB Chinese collection: its size and date (hashing it costs 0.3 s a build)
            digest.update(f"{family.name}\0{family.folder.name}\0".encode())  # named after both (fonts.py)
        else:
            _hash_files(digest, family.originals(), family.folder)
    return digest.hexdigest()


def shared_fingerprint(project: Project, edition: str, paper: str) -> str:
    """Everything one edition's outputs share: what its format draws on (templates, stylesheets), sources, glossary,
    shared sign lists, clinic settings, code."""
    digest = hashlib.sha256(f"{edition}\0{paper}\0{code_fingerprint()}\0".encode())
    root = project.root
    about = ALL_EDITIONS[edition]
    _hash_files(digest, format_named(about.format).inputs(project, about, paper), root)
    # The glossary prints nothing, but the content check that every build runs depends on it.
    _hash_files(digest, [project.sources, project.glossary, project.warning_signs, project.clinic], root)
    return digest.hexdigest()


def plan(project: Project, editions: list[str], paper: str, handout_ids: list[str] | None = None,
         shard: Shard | None = None, files: list[Path] | None = None) -> list[Task]:
    """Every PDF this build is responsible for, in a stable order."""
    files = [f for f in (files if files is not None else handout_files(project.handouts))
             if (not handout_ids or f.stem in handout_ids) and in_shard(f.stem, shard)]
    translated = {}  # handout id -> its translation files
    for path in project.translation_files():
        translated.setdefault(path.stem, []).append(path)
    tasks = []
    for edition in editions:
        shared = shared_fingerprint(project, edition, paper).encode()
        for path in files:
            own = _input_bytes(path)
            digest = hashlib.sha256(shared + b"\0" + own).hexdigest()
            if not ALL_EDITIONS[edition].bilingual:  # the bilingual edition is made of translations only
                tasks.append(Task(path.stem, path, edition, digest, ALL_EDITIONS[edition].extension))
            for translation in translated.get(path.stem, []):
                language = translation.parent.name
                if ALL_EDITIONS[edition].format == "brf" and not _has_braille(project, translation):
                    continue  # a language with no braille table: no braille file (the README lists them)
                digest = hashlib.sha256(shared + b"\0" + own + b"\0" + language.encode() + b"\0" +
                                        _language_bytes(project, translation)).hexdigest()
                tasks.append(Task(path.stem, path, edition, digest, ALL_EDITIONS[edition].extension, language,
                                  translation))
    return sorted(tasks, key=lambda t: (t.handout_id, t.language or "", t.edition))


def _has_braille(project: Project, translation: Path) -> bool:
    """Whether the translation's language names braille tables (its locale's `braille:`), read as text."""
    from .formats.brf import TABLE_LINE

    folder = translation.parent
    own = folder / "locale.yaml"
    path = own if own.is_file() else PACKAGE_DIR / "locales" / f"{folder.name}.yaml"
    return TABLE_LINE.search(_input_bytes(path).decode("utf-8", "replace")) is not None


def _language_bytes(project: Project, translation: Path) -> bytes:
    """A translation's file, and its language's words and glossary (the project's own, if it has them)."""
    folder = translation.parent
    parts = [_input_bytes(translation), _input_bytes(folder / "glossary.yaml"), _input_bytes(folder / "locale.yaml")]
    shipped = PACKAGE_DIR / "locales" / f"{folder.name}.yaml"  # careprint.locale.locale_file, without pydantic
    parts.append(_input_bytes(shipped) if shipped.exists() else b"")
    return b"\0".join(parts)


def is_up_to_date(task: Task, manifest: dict[str, dict], out_dir: Path, root: Path) -> bool:
    """The manifest says this PDF was made from these exact inputs, and the file on disk is that PDF.

    Besides the hashed inputs, a PDF may draw on other project files (a logo, a picture): the renderer records
    each one it read, with its hash, and any change to them makes the PDF out of date too.
    """
    entry = manifest.get(task.path)
    if not entry or entry.get("inputs") != task.input_hash:
        return False
    project, theme = real_path(root), real_path(THEME)
    for name, digest in (entry.get("resources") or {}).items():
        path = theme_file(root, name)  # the project's own file, else the theme's stylesheet or template
        inside = project if path == root / name else theme / name.split("/")[0]
        if not real_path(path).is_relative_to(inside) or file_sha256(path) != digest:
            return False  # changed, gone, or (a hand-edited manifest) a file outside the project: never read
    return file_sha256(out_dir / task.path) == entry.get("sha256")


def nothing_to_do(tasks: list[Task], manifest: dict[str, dict], out_dir: Path, root: Path,
                  today: datetime.date) -> bool:
    """True when every PDF is up to date and no handout's review date has come: the build may stop here."""
    if not tasks or withdrawn(manifest, root):
        return False
    for task in tasks:
        if not is_up_to_date(task, manifest, out_dir, root):
            return False
        next_review = manifest[task.path].get("next_review")
        if not next_review or datetime.date.fromisoformat(next_review) <= today:
            return False  # a full build reports the review that has come due
    return True
