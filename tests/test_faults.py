"""Fault injection: real builds killed and interrupted, a full disk, read-only folders, hostile manifests, FIFOs,
characters the font lacks.

Every case checks what a clinic relies on: nothing outside the output folder is touched, the PDFs on disk are
whole, every PDF the manifest lists is exactly the file on disk, there is no traceback and there is a clear
message, and the lock is not stuck: the next build succeeds and gives the same bytes as a clean build.

Everything runs on fixture projects made here (careprint's code, templates and styles, with handouts, sources,
glossary and clinic settings of their own), never on the shipped handouts.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from careprint import arguments
from careprint.cli import main
from careprint.project import ROOT, Project

HANDOUTS = 12  # 24 PDFs: a build with --jobs 2 takes a few seconds, long enough to be stopped part way
SOURCE = "test-source"


def handout_yaml(handout_id: str, title: str, paragraphs: list[str], extra: str = "") -> str:
    blocks = "\n".join(f"      - paragraph: {json.dumps(text)}" for text in paragraphs)
    return (f"id: {handout_id}\ntitle: {json.dumps(title)}\nlanguage: en\naudience: People with cancer and their "
            f"families\nversion: \"1.0\"\nsources: [{SOURCE}]\nreview:\n  status: draft\n  next_review: 2099-01-01\n"
            "key_messages:\n  - \"Call your care team if you feel sick.\"\nsections:\n  - heading: \"What to do\"\n"
            f"    blocks:\n{blocks}\n{extra}")


PLAIN = ["Drink water each day. Rest when you feel tired. Call your team if you feel sick."] * 3


def make_project(target: Path, count: int = HANDOUTS, clinic: str = "name: null\n") -> Path:
    """A project of its own: careprint's code, templates and styles; its own content."""
    for code in (ROOT / "careprint", ROOT / "templates", ROOT / "styles"):
        shutil.copytree(code, target / code.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "make_pdfs.py", target)
    (target / "reference").mkdir()
    (target / "reference" / "sources.yaml").write_text(
        f"sources:\n  - id: {SOURCE}\n    title: \"A test source\"\n    publisher: Test\n"
        "    address: \"https://example.org/a\"\n    retrieved: 2025-01-01\n")
    (target / "reference" / "glossary.yaml").write_text("acronyms: []\nterms: []\n")
    (target / "clinic.yaml").write_text(clinic)
    (target / "handouts").mkdir()
    for number in range(count):
        write_handout(target, f"care-{number:02d}", PLAIN)
    return target


def write_handout(project: Path, handout_id: str, paragraphs: list[str], extra: str = "",
                  title: str = "Care at home") -> Path:
    path = project / "handouts" / f"{handout_id}.yaml"
    path.write_text(handout_yaml(handout_id, title, paragraphs, extra), encoding="utf-8")
    return path


def environment(tmp: Path) -> dict[str, str]:
    """No bytecode written into the project; WeasyPrint's font folders in a private TMPDIR we can inspect."""
    tmp.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp), "CAREPRINT_DEBUG": ""}


def command(project: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(project / "make_pdfs.py"), "--out", str(out), *extra]


def run(project: Path, out: Path, *extra: str, env: dict, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(command(project, out, *extra), cwd=project, env=env, capture_output=True, text=True,
                          timeout=timeout)


def pdf_hashes(out: Path) -> dict[str, str]:
    """Every output on disk (the PDFs, the web edition's pages, the braille files) -> its sha256."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.suffix in (".pdf", ".html", ".brf") and p.is_file()
            and not p.is_symlink() and p.name != "index.html"}


def snapshot(root: Path, *skip: Path) -> dict[str, tuple]:
    """Every file, link and FIFO under root (never opening a FIFO), with its bytes' hash and mtime."""
    state = {}
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [name for name in folders if here / name not in skip]
        for name in folders + files:
            path = here / name
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                value = (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns)
            elif stat.S_ISLNK(info.st_mode):
                value = ("link", os.readlink(path))
            else:
                value = (stat.S_IFMT(info.st_mode),)
            state[path.relative_to(root).as_posix()] = (*value, stat.S_IMODE(info.st_mode))
    return state


def assert_whole_and_listed_exactly(out: Path) -> dict[str, str]:
    """Every PDF on disk is whole; every PDF the manifest lists is exactly the file on disk. The listed paths."""
    for path in out.rglob("*"):
        if path.suffix not in (".pdf", ".html") or path.is_symlink() or not path.is_file():
            continue  # not careprint's: a hostile link, left alone
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.startswith(b"<!DOCTYPE html>") and data.rstrip().endswith(b"</html>"), path
        else:
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
    for path in out.rglob("*.brf"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()  # whole: 25 lines on each page, the last ending with CRLF
            assert data.endswith(b"\r\n") and all(page.count(b"\r\n") == 25 for page in data.split(b"\f")), path
    manifest = out / "manifest.json"
    entries = json.loads(manifest.read_text())["pdfs"] if manifest.exists() else []
    on_disk = pdf_hashes(out)
    listed = {entry["path"]: entry["sha256"] for entry in entries}
    assert all(on_disk.get(path) == digest for path, digest in listed.items()), (listed, on_disk)
    return listed


def assert_unlocked(out: Path, within: float = 10.0) -> None:
    """The output folder's lock can be taken (no process holds it any more)."""
    lock = out / ".careprint.lock"
    if not lock.exists():
        return
    descriptor = os.open(lock, os.O_RDWR)
    try:
        deadline = time.monotonic() + within
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(descriptor, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                assert time.monotonic() < deadline, f"{lock} is still locked {within} s after the build ended"
                time.sleep(0.1)
    finally:
        os.close(descriptor)


def processes_running(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def assert_no_process_left(marker: str, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while processes_running(marker):
        assert time.monotonic() < deadline, f"processes still running: {processes_running(marker)}"
        time.sleep(0.1)


def assert_no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and "internal error" not in text, text


# ---------------------------------------------------------------------------------------------------------------
# Shared fixtures: two versions of one project (the clinic's name differs, so every PDF differs), each built once.


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("faults")
    first = make_project(base / "project-a")
    second = make_project(base / "project-b", clinic="name: \"Second Test Clinic\"\n")
    env = environment(base / "tmp")
    references = {}
    for name, project in (("a", first), ("b", second)):
        out = base / f"reference-{name}"
        result = run(project, out, "--jobs", "2", "--quiet", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        references[name] = out
    assert pdf_hashes(references["a"]).keys() == pdf_hashes(references["b"]).keys()
    assert all(pdf_hashes(references["a"])[k] != pdf_hashes(references["b"])[k] for k in pdf_hashes(references["a"]))
    return {"a": first, "b": second, "reference": references, "base": base}


class Output:
    """One of a build's output streams, read line by line as it comes."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    def ok(self) -> int:
        return sum(line.startswith("ok ") for line in self.lines)


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the build did not get there in time"
        time.sleep(0.02)


# ---------------------------------------------------------------------------------------------------------------
# kill -9, Ctrl-C and SIGTERM at several moments, with --jobs 2


STOPS = [
    # (name, signal, to the whole process group (as a terminal's Ctrl-C), PDFs written first, over a previous build)
    ("kill-9 while starting", signal.SIGKILL, False, 0, False),
    ("kill-9 part way", signal.SIGKILL, False, 5, False),
    ("kill-9 part way through replacing", signal.SIGKILL, False, 7, True),
    ("Ctrl-C while starting", signal.SIGINT, True, 0, False),
    ("Ctrl-C part way", signal.SIGINT, True, 5, False),
    ("SIGINT to the build alone, replacing", signal.SIGINT, False, 7, True),
    ("SIGTERM part way", signal.SIGTERM, False, 5, False),
]


@pytest.mark.parametrize("name,signum,group,after,over_previous", STOPS, ids=[s[0] for s in STOPS])
def test_a_stopped_build_leaves_whole_pdfs_an_exact_manifest_and_no_lock(projects, tmp_path, name, signum, group,
                                                                         after, over_previous):
    project = projects["b"]
    out = tmp_path / "out"
    if over_previous:  # the previous build's PDFs, to be replaced by the new project's
        shutil.copytree(projects["reference"]["a"], out)
    previous = pdf_hashes(out)
    fresh = pdf_hashes(projects["reference"]["b"])
    tmp = tmp_path / "tmp"
    env = environment(tmp)
    before = snapshot(projects["base"], tmp_path)
    process = subprocess.Popen(command(project, out, "--jobs", "2"), cwd=project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    output, errors = Output(process.stdout), Output(process.stderr)
    try:
        if after:
            wait_until(lambda: output.ok() >= after or process.poll() is not None)
        else:  # the build has taken its lock and is starting its workers
            wait_until(lambda: (out / ".careprint.lock").exists() or process.poll() is not None)
        assert process.poll() is None, "the build finished before it could be stopped: " + "".join(output.lines)
        if group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        code = process.wait(timeout=60)
        assert_no_process_left(str(out))  # the workers died with the build (else they keep its pipes open)
        output.thread.join(timeout=10)
        errors.thread.join(timeout=10)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the build's process group
        except ProcessLookupError:
            pass
        process.wait()
        process.stdout.close()
        process.stderr.close()
    stdout, stderr = "".join(output.lines), "".join(errors.lines)

    assert_no_traceback(stdout, stderr)
    if signum == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == (130 if signum == signal.SIGINT else 143), stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, stderr
        assert lines[0].startswith("stopped by Ctrl-C" if signum == signal.SIGINT else "stopped by SIGTERM")
        assert "lists is exactly the file on disk" in lines[0] or "no file was left half-written" in lines[0]
    assert_unlocked(out)
    listed = assert_whole_and_listed_exactly(out)
    for path, digest in pdf_hashes(out).items():  # each PDF is the old one or the new one, never anything else
        assert digest in (previous.get(path), fresh[path]), path
    assert set(listed) <= set(fresh)
    assert snapshot(projects["base"], tmp_path) == before  # nothing outside the output folder was touched

    again = run(project, out, "--jobs", "2", "--quiet", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert_no_traceback(again.stdout, again.stderr)
    assert pdf_hashes(out) == fresh  # complete, and byte-identical to a clean build
    assert assert_whole_and_listed_exactly(out) == fresh
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]  # what the stopped build left is gone
    assert os.listdir(tmp) == []  # no worker left its WeasyPrint font folder behind


# ---------------------------------------------------------------------------------------------------------------
# A full disk and read-only folders (as root, chmod stops nothing: these use real mounts, and skip without them)


def _mount(*arguments: str) -> bool:
    return subprocess.run(["mount", *arguments], capture_output=True).returncode == 0


@pytest.fixture
def mounts():
    made: list[Path] = []

    def mount(*arguments: str) -> None:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("needs root and mount(8) to make a small or read-only file system")
        if not _mount(*arguments):
            pytest.skip(f"mount {' '.join(arguments)} is not permitted here (no CAP_SYS_ADMIN)")
        made.append(Path(arguments[-1]))

    yield mount
    for point in reversed(made):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_full_disk_stops_the_build_with_a_message_and_the_next_build_finishes(projects, tmp_path, mounts):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounts("-t", "tmpfs", "-o", "size=100k", "tmpfs", str(disk))
    out = disk / "out"
    env = environment(tmp_path / "tmp")
    before = snapshot(projects["base"], tmp_path)
    result = run(projects["b"], out, "--jobs", "2", env=env)
    assert result.returncode == 1
    assert_no_traceback(result.stdout, result.stderr)
    assert "build stopped: could not " in result.stderr and "the disk is full; free some space" in result.stderr
    assert "every PDF " in result.stderr and "lists is exactly the file on disk" in result.stderr
    assert_unlocked(out)
    assert_whole_and_listed_exactly(out)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert snapshot(projects["base"], tmp_path) == before

    assert _mount("-o", "remount,size=16m", str(disk))  # space is freed
    again = run(projects["b"], out, "--jobs", "2", "--quiet", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert pdf_hashes(out) == pdf_hashes(projects["reference"]["b"])
    assert_whole_and_listed_exactly(out)


def test_a_read_only_edition_folder_keeps_its_pdfs_and_the_manifest_stays_exact(projects, tmp_path, mounts):
    out = tmp_path / "out"
    shutil.copytree(projects["reference"]["a"], out)
    previous = pdf_hashes(out)
    locked = out / "large-print"
    mounts("--bind", str(locked), str(locked))
    assert _mount("-o", "remount,bind,ro", str(locked))
    env = environment(tmp_path / "tmp")
    result = run(projects["b"], out, "--jobs", "2", env=env)
    assert result.returncode == 1
    assert_no_traceback(result.stdout, result.stderr)
    assert "the disk is read-only; choose a folder on a disk you can write to" in result.stderr
    assert f"could not write {locked}" in result.stderr
    assert {k: v for k, v in pdf_hashes(out).items() if k.startswith("large-print/")} == \
        {k: v for k, v in previous.items() if k.startswith("large-print/")}
    assert_whole_and_listed_exactly(out)
    assert_unlocked(out)

    subprocess.run(["umount", str(locked)], check=True)
    again = run(projects["b"], out, "--jobs", "2", "--quiet", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert pdf_hashes(out) == pdf_hashes(projects["reference"]["b"])


def test_a_read_only_output_folder_is_named_with_its_cause(projects, tmp_path, mounts):
    folder = tmp_path / "read-only"
    folder.mkdir()
    mounts("--bind", str(folder), str(folder))
    assert _mount("-o", "remount,bind,ro", str(folder))
    for out in (folder / "out", folder):
        result = run(projects["b"], out, "--quiet", "--handout", "care-00", env=environment(tmp_path / "tmp"))
        assert result.returncode == 1
        assert_no_traceback(result.stdout, result.stderr)
        assert f"{out}" in result.stderr and "the disk is read-only" in result.stderr, result.stderr


# ---------------------------------------------------------------------------------------------------------------
# Hostile manifests: in this process, on a small project of its own


@pytest.fixture
def small(tmp_path, monkeypatch) -> dict:
    """A two-handout project, built once into out/, and the command line pointed at it."""
    project = make_project(tmp_path / "project", count=2)
    monkeypatch.setattr(arguments, "project_of", lambda args: Project(root=project, handouts_dir=args.handouts,
                                                              clinic_file=args.clinic))
    monkeypatch.chdir(project)
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("not careprint's\n")
    state = {"project": project, "out": out, "outside": outside, "tmp": tmp_path}
    assert build(state)[0] == 0
    state["built"] = pdf_hashes(out)
    return state


def build(state: dict, *extra: str) -> tuple[int, str, str]:
    return _command(state, "--out", str(state["out"]), "--jobs", "1", *extra)


def manifest_of(state: dict) -> dict:
    return json.loads((state["out"] / "manifest.json").read_text())


def write_manifest(state: dict, body) -> None:
    (state["out"] / "manifest.json").write_text(body if isinstance(body, str) else json.dumps(body))


def withdrawn_entry(state: dict, path: str, digest: str | None = None) -> dict:
    """An entry copied from a real one, with another path, whose handout file is gone: a build would remove it."""
    entry = dict(next(e for e in manifest_of(state)["pdfs"] if e["path"].endswith(".pdf")))  # (a PDF's facts)
    entry.update(path=path, source="handouts/withdrawn.yaml")
    if path.count("/") == 1 and path.endswith(".pdf"):  # a well-formed path: the rest of the entry agrees with it
        entry.update(edition=path.split("/")[0], handout=path.split("/")[1].removesuffix(".pdf"))
    if digest:
        entry["sha256"] = digest
    return entry


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _climbing(state):
    body = manifest_of(state)
    body["pdfs"] += [withdrawn_entry(state, "../outside/victim.txt", sha(state["outside"] / "victim.txt")),
                     withdrawn_entry(state, "../project/clinic.yaml", sha(state["project"] / "clinic.yaml"))]
    write_manifest(state, body)
    return "is not a file that careprint builds"


def _absolute(state):
    body = manifest_of(state)
    victim = state["outside"] / "victim.txt"
    body["pdfs"].append(withdrawn_entry(state, str(victim), sha(victim)))
    write_manifest(state, body)
    return "is not a file that careprint builds"


def _linked_edition_folder(state):
    (state["outside"] / "care-00.pdf").write_bytes(b"%PDF-1.7 someone else's file\n%%EOF\n")
    (state["out"] / "card").symlink_to(state["outside"])
    body = manifest_of(state)
    body["pdfs"].append(withdrawn_entry(state, "card/care-00.pdf", sha(state["outside"] / "care-00.pdf")))
    write_manifest(state, body)
    return "is no longer a plain file inside"


def _listed_link(state):
    victim = state["outside"] / "victim.txt"
    (state["out"] / "plain-language" / "care-09.pdf").symlink_to(victim)
    body = manifest_of(state)
    body["pdfs"].append(withdrawn_entry(state, "plain-language/care-09.pdf", sha(victim)))
    write_manifest(state, body)
    return "is no longer a plain file inside"


def _bad_date(state):
    body = manifest_of(state)
    body["pdfs"][1]["next_review"] = "2027-02-30"
    write_manifest(state, body)
    return "'next_review' has a bad value"


def _wrong_types(state):
    body = manifest_of(state)
    body["pdfs"][0]["pages"] = "2"
    body["pdfs"][1]["resources"] = {"../outside/victim.txt": "0" * 64}
    write_manifest(state, body)
    return "'pages' has a bad value"


def _not_json(state):
    write_manifest(state, "{\"pdfs\": [" + "[" * 100000)
    return "it is not valid JSON"


def _not_a_manifest(state):
    write_manifest(state, {"pdfs": "everything"})
    return "it is not a careprint manifest"


def _manifest_fifo(state):
    (state["out"] / "manifest.json").unlink()
    os.mkfifo(state["out"] / "manifest.json")
    return "it cannot be read"


def _manifest_link(state):
    (state["out"] / "manifest.json").unlink()
    (state["out"] / "manifest.json").symlink_to(state["outside"] / "victim.txt")
    return "it is a symbolic link"


def _listed_fifo(state):
    target = state["out"] / "plain-language" / "care-00.pdf"
    target.unlink()
    os.mkfifo(target)
    return "is no longer a plain file inside"


def _resource_fifo(state):
    (state["project"] / "images").mkdir()
    os.mkfifo(state["project"] / "images" / "dot.png")
    body = manifest_of(state)
    body["pdfs"][0]["resources"] = {"images/dot.png": "0" * 64}
    write_manifest(state, body)
    return None  # a valid entry: the picture it names is simply not up to date (and never opened)


HOSTILE = {
    "a path climbing out with ..": _climbing,
    "an absolute path": _absolute,
    "an edition folder linked outside": _linked_edition_folder,
    "a listed PDF that is a link outside": _listed_link,
    "a malformed date": _bad_date,
    "wrong types": _wrong_types,
    "not JSON (deeply nested)": _not_json,
    "not a manifest": _not_a_manifest,
    "the manifest is a FIFO": _manifest_fifo,
    "the manifest is a link outside": _manifest_link,
    "a listed PDF that is a FIFO": _listed_fifo,
    "a resource that is a FIFO": _resource_fifo,
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_manifest_is_refused_and_never_deletes_or_reads_outside(small, case):
    warning = HOSTILE[case](small)
    before = snapshot(small["tmp"], small["out"])
    code, stdout, stderr = build(small)
    assert code == 0, stdout + stderr
    assert_no_traceback(stdout, stderr)
    if warning:
        assert "warning: " in stderr and warning in stderr, stderr
    assert "removed " not in stdout  # no handout was withdrawn: nothing may be deleted
    assert snapshot(small["tmp"], small["out"]) == before  # the victims, the project's files: all untouched
    assert pdf_hashes(small["out"]) == {**pdf_hashes(small["out"]), **small["built"]}
    listed = assert_whole_and_listed_exactly(small["out"])
    assert listed == small["built"]
    assert build(small)[1].startswith("nothing to do")  # rebuilt once; the warning is not repeated for ever


def test_merge_manifests_never_reads_a_file_a_shard_names_outside_the_folder(small):
    out = small["out"]
    fifo = small["outside"] / "pipe"
    os.mkfifo(fifo)  # reading it would block: the watchdog would fail the test
    body = manifest_of(small)
    body["pdfs"].append(withdrawn_entry(small, str(fifo)))
    body["pdfs"].append(withdrawn_entry(small, "../outside/pipe"))
    (out / "manifest-shard-1-of-1.json").write_text(json.dumps(body))
    code, stdout, stderr = _command(small, "merge-manifests", str(out))
    assert code == 1
    assert "is not a file that careprint builds" in stderr
    assert_no_traceback(stdout, stderr)


def test_temporary_files_of_a_killed_build_are_removed_and_nothing_else(small):
    out = small["out"]
    leftovers = [out / "large-print" / ".care-00.pdf.ab12cd_9.tmp", out / ".manifest.json.zz99yy88.tmp"]
    kept = [out / "large-print" / ".notes.txt.abcdefgh.tmp", out / "large-print" / "my-notes.tmp"]
    for path in leftovers + kept:
        path.write_bytes(b"half")
    code, stdout, stderr = build(small)  # not "nothing to do": there is something to clean
    assert code == 0 and not stdout.startswith("nothing to do"), stdout + stderr
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in kept)


def test_a_lock_file_that_is_a_fifo_or_a_link_is_refused_with_a_message(small):
    lock = small["out"] / ".careprint.lock"
    lock.unlink()
    os.mkfifo(lock)
    code, _, stderr = build(small, "--force")
    assert code == 1 and "is a named pipe (FIFO), not careprint's lock file; remove it" in stderr
    lock.unlink()
    lock.symlink_to(small["outside"] / "victim.txt")
    code, _, stderr = build(small, "--force")
    assert code == 1 and "is a symbolic link, not careprint's lock file; remove it" in stderr
    assert (small["outside"] / "victim.txt").read_text() == "not careprint's\n"


# ---------------------------------------------------------------------------------------------------------------
# FIFOs, devices, loops and files where folders belong: answered at once, with the path and the cause


def test_fifos_devices_and_loops_are_answered_at_once(small):
    handouts = small["project"] / "handouts"
    os.mkfifo(handouts / "pipe.yaml")
    code, _, stderr = build(small)
    assert code == 1 and "handouts/pipe.yaml: cannot read the file: it is a named pipe (FIFO), not a file" in stderr
    (handouts / "pipe.yaml").unlink()
    (handouts / "loop.yaml").symlink_to("loop.yaml")
    code, stdout, stderr = build(small)
    assert code == 1
    assert "handouts/loop.yaml: cannot read the file: it is a symbolic link that leads back to itself" in stderr
    assert_no_traceback(stdout, stderr)
    (handouts / "loop.yaml").unlink()

    fifo = small["outside"] / "pipe.pdf"
    os.mkfifo(fifo)
    state = {**small, "out": small["out"]}
    for path, message in ((fifo, "this is a named pipe (FIFO), not a PDF file"),
                          (Path("/dev/zero"), "this is a device, not a PDF file")):
        started = time.monotonic()
        code, stdout, stderr = _command(state, "verify", str(path))
        assert code == 1 and message in stderr and time.monotonic() - started < 10
        assert_no_traceback(stdout, stderr)

    a_file = small["outside"] / "victim.txt"
    code, _, stderr = build({**small, "out": a_file})
    assert code == 2 and f"--out {a_file}: this is a file, not a folder" in stderr
    code, _, stderr = build({**small, "out": a_file / "out"})
    assert code == 2 and f"--out {a_file / 'out'}" in stderr


def _command(state: dict, *argv: str, timeout: int = 60) -> tuple[int, str, str]:
    """main() in this process, with a watchdog: a read that blocks (a FIFO) fails the test instead of hanging."""
    from contextlib import redirect_stderr, redirect_stdout

    def hung(signum, frame):
        raise TimeoutError("careprint blocked")

    out_stream, err_stream = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(timeout)
    try:
        with redirect_stdout(out_stream), redirect_stderr(err_stream):
            code = main(list(argv))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out_stream.getvalue(), err_stream.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Characters the font lacks, broken pictures: the right thing is blamed, at its file and line


@pytest.mark.parametrize("text,code", [
    ("Turn left → then call us.", "U+2192 RIGHTWARDS ARROW"),
    ("Done ✓ when you have called.", "U+2713 CHECK MARK"),
    ("Ask for Nguyễn at the desk.", "U+1EC5 LATIN SMALL LETTER E WITH CIRCUMFLEX AND TILDE"),
    ("Ask for محمد at the desk.", "U+0645 ARABIC LETTER MEEM"),
])
def test_a_character_the_font_lacks_is_named_with_its_file_and_line(small, text, code):
    write_handout(small["project"], "care-01", [text])
    status, stdout, stderr = build(small)
    assert status == 1
    line = next(line for line in stderr.splitlines() if code in line)
    assert line.startswith("handouts/care-01.yaml:15: sections[0].blocks[0].paragraph: ")
    assert "is not in the font Atkinson Hyperlegible" in line and "(" in line.split("box)")[-1]  # what to do
    assert "nothing was written or replaced" in stderr
    assert pdf_hashes(small["out"]) == small["built"]
    assert_no_traceback(stdout, stderr)


@pytest.mark.parametrize("name", ["Nguyễn Thị Ánh", "محمد علي"])
def test_a_patient_name_the_font_cannot_print_is_refused_without_repeating_it(small, name):
    code, stdout, stderr = _command(small, "packet", "care-00", "--out", str(small["tmp"] / "packet.pdf"),
                                    "--for", name)
    assert code == 2
    assert "the patient name given with --for has" in stderr and "the font Atkinson Hyperlegible cannot print" in stderr
    assert not any(part in stdout + stderr for part in name.split())
    assert not (small["tmp"] / "packet.pdf").exists()


def test_a_broken_picture_names_its_file_line_and_cause(small):
    (small["project"] / "images").mkdir()
    (small["project"] / "images" / "broken.png").write_bytes(b"not a picture at all\n" * 10)
    write_handout(small["project"], "care-01", PLAIN,
                  "      - image:\n          file: images/broken.png\n          alt: \"A picture\"\n")
    code, stdout, stderr = build(small, "--edition", "large-print")
    assert code == 1
    assert ("handouts/care-01.yaml:19: sections[0].blocks[3].image.file: picture images/broken.png: it cannot be "
            "used: it is not a PNG, JPEG or SVG picture, or it is damaged; open it in an image program") in stderr
    assert_no_traceback(stdout, stderr)


# ---------------------------------------------------------------------------------------------------------------
# Valid text is never refused; packets and handouts of any length build


def test_hyphens_soft_hyphens_and_long_addresses_broken_at_line_ends_are_accepted(small):
    fillers = ["", "Yes", "Oh yes", "Ask us", "Plan a", "It is time", "Please plan", "You can book", "Set up a"]
    paragraphs = [f"{filler} follow-up visit and learn self-care at home. Keep a follow-up list.".strip()
                  for filler in fillers]
    paragraphs.append("Read more at https://www.example.org/information-and-support/coping-with-side-effects-and-"
                      "symptoms/follow-up-and-self-care-at-home today.")
    paragraphs.append("Take your medi\u00adcine each day, as your team says.")
    write_handout(small["project"], "care-01", paragraphs)
    code, stdout, stderr = build(small)
    assert code == 0, stdout + stderr
    from careprint.textlayer import read_pages

    runs = [run.text for edition in ("plain-language", "large-print")
            for page in read_pages((small["out"] / edition / "care-01.pdf").read_bytes()) for run in page.runs]
    assert any(text.rstrip().endswith("-") for text in runs)  # a line did end at a hyphen: the case was met


def test_a_packet_of_eleven_handouts_builds(small):
    for number in range(2, 11):
        write_handout(small["project"], f"care-{number:02d}", PLAIN)
    packet = small["tmp"] / "packets" / "eleven.pdf"
    code, stdout, stderr = _command(small, "packet", *[f"care-{n:02d}" for n in range(11)], "--out", str(packet))
    assert code == 0, stdout + stderr
    assert packet.exists()


def test_a_large_print_handout_of_over_100_pages_builds(small):
    sections = "".join(
        f"  - heading: \"Part {number}\"\n    blocks:\n"
        + "".join(f"      - paragraph: \"Drink water each day. Rest when you feel tired. Call your team if you feel "
                  f"sick. This is note {n}.\"\n" for n in range(5))
        for number in range(1, 160))
    write_handout(small["project"], "care-01", PLAIN, sections)
    code, stdout, stderr = build(small, "--edition", "large-print", "--handout", "care-01")
    assert code == 0, stdout + stderr
    assert int(stdout.split("care-01.pdf  ")[1].split(" pages")[0]) >= 100


# ---------------------------------------------------------------------------------------------------------------
# Pictures come from the project, through the fetcher, whatever sits at the fetcher's virtual path on the disk


def test_a_file_at_the_virtual_path_on_the_real_disk_is_never_embedded(small):
    from PIL import Image

    virtual = Path("/careprint")
    if os.path.lexists(virtual):
        pytest.skip("/careprint exists on this machine; this test must create and remove it")
    if not os.access("/", os.W_OK):
        pytest.skip("needs to create /careprint (root)")

    def png(colour) -> bytes:
        data = io.BytesIO()
        Image.new("RGB", (12, 12), colour).save(data, "PNG")
        return data.getvalue()

    (small["project"] / "images").mkdir()
    (small["project"] / "images" / "dot.png").write_bytes(png((0, 0, 255)))
    write_handout(small["project"], "care-01", PLAIN,
                  "      - image:\n          file: images/dot.png\n          alt: \"A blue dot\"\n")
    assert build(small, "--edition", "large-print")[0] == 0
    honest = (small["out"] / "large-print" / "care-01.pdf").read_bytes()
    decoy = virtual / "project" / "images" / "dot.png"
    try:
        decoy.parent.mkdir(parents=True)
        decoy.write_bytes(png((255, 0, 0)))
        code, stdout, stderr = build(small, "--edition", "large-print", "--force")
        assert code == 0, stdout + stderr
        built = (small["out"] / "large-print" / "care-01.pdf").read_bytes()
    finally:
        shutil.rmtree(virtual)
    assert built == honest
    import pikepdf

    with pikepdf.open(io.BytesIO(built)) as pdf:
        images = [pikepdf.PdfImage(image).as_pil_image() for page in pdf.pages
                  for image in page.get_images().values()]
    assert images and all(image.convert("RGB").getpixel((6, 6)) == (0, 0, 255) for image in images)
