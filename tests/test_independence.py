"""The suite does not read the clinic's content: a clinic that edits its handouts or settings keeps a green suite.

The repository's `handouts/`, `reference/`, `images/` and `clinic.yaml` belong to the clinic. Tests read the frozen
copy in tests/fixtures/project instead (see conftest.py). This guard reads every test file's code and fails on the
ways a test could reach the repository's content again:

- `Project(...)` without `root=`: its default is a project whose content is the clinic's;
- the repository root (`ROOT`) used other than as `ROOT / "<code-side file>"` (careprint/, templates/, styles/,
  schema/, make_pdfs.py, pyproject.toml, README.md): `ROOT / "handouts"`, `ROOT.rglob(...)`, `cwd=ROOT`,
  `copytree(ROOT, ...)`;
- `SHIPPED_CONTENT`: in a checkout, the repository's own handouts/, reference/ and images/;
- the repository root reached from a test file's own path (`Path(__file__).parents[1]`, `.parent.parent`).

Commands run in this process (`main([...])`) run inside the fixture project for the whole session, and
`careprint new` copies the fixture's content (conftest.py); subprocesses run a project made from the fixture
(`project_copy`, `make_project`), in its own folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CODE_SIDE = {"careprint", "templates", "styles", "schema", "make_pdfs.py", "pyproject.toml", "README.md"}


def reads_of_the_repository(source: str) -> list[str]:
    """Each place in this Python source that could read the repository's content, as "line N: what"."""
    tree = ast.parse(source)
    allowed: set[int] = set()  # the ROOT names that stand in an allowed `ROOT / "<code-side>"`
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.left, ast.Name)
                and node.left.id == "ROOT"):
            if isinstance(node.right, ast.Constant) and node.right.value in CODE_SIDE:
                allowed.add(id(node.left))
            else:
                found.append(f"line {node.lineno}: ROOT / {ast.unparse(node.right)} (only code-side files: "
                             f"{', '.join(sorted(CODE_SIDE))})")
                allowed.add(id(node.left))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "ROOT" and isinstance(node.ctx, ast.Load) \
                and id(node) not in allowed:
            found.append(f"line {node.lineno}: the repository root used whole (a test reads the fixture project)")
        elif isinstance(node, (ast.Name, ast.Attribute, ast.alias)) and "SHIPPED_CONTENT" in (
                getattr(node, "id", None), getattr(node, "attr", None), getattr(node, "name", None)):
            found.append(f"line {node.lineno}: SHIPPED_CONTENT (the repository's own content, in a checkout)")
        elif isinstance(node, ast.Attribute) and node.attr == "ROOT":
            found.append(f"line {node.lineno}: {ast.unparse(node)} (import ROOT; use it only for code-side files)")
        elif isinstance(node, ast.alias) and node.name == "ROOT" and node.asname not in (None, "ROOT"):
            found.append(f"line {node.lineno}: ROOT imported as {node.asname}")
        elif isinstance(node, ast.Call) and "Project" in (getattr(node.func, "id", None),
                                                          getattr(node.func, "attr", None)) \
                and not any(keyword.arg == "root" for keyword in node.keywords):
            found.append(f"line {node.lineno}: {ast.unparse(node)} without root= (its default content is the "
                         "clinic's; pass root=FIXTURE or a project made from it)")
        elif _climbs_from_this_file(node):
            found.append(f"line {node.lineno}: {ast.unparse(node)}: the repository root reached from a test's path")
    return sorted(found, key=lambda text: int(text.split(":")[0].removeprefix("line ")))


def _climbs_from_this_file(node: ast.AST) -> bool:
    """`Path(__file__)...parents[1]` (or higher) or `Path(__file__)...parent.parent`."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        climbs = not (isinstance(node.slice, ast.Constant) and node.slice.value == 0)
    elif isinstance(node, ast.Attribute) and node.attr == "parent":
        climbs = isinstance(node.value, ast.Attribute) and node.value.attr == "parent"
    else:
        return False
    return climbs and any(isinstance(name, ast.Name) and name.id == "__file__" for name in ast.walk(node))


TEST_FILES = sorted(TESTS.rglob("*.py"))


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda path: path.relative_to(TESTS).as_posix())
def test_no_test_reads_the_repositorys_content(path):
    assert reads_of_the_repository(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("code", [
    'text = (ROOT / "handouts" / "hypercalcemia.yaml").read_text()',
    'shutil.copy(ROOT / "clinic.yaml", target)',
    'glossary = ROOT / "reference" / "glossary.yaml"',
    "folder = ROOT / name",
    'files = list(ROOT.rglob("*"))',
    "subprocess.run(command, cwd=ROOT)",
    "shutil.copytree(ROOT, target)",
    "library = load_library(Project())",
    "library = load_library(project.Project(handouts_dir=folder))",
    "renderer = Renderer(Project(clinic_file=clinic), edition)",
    'base = careprint.project.ROOT / "styles"',
    "from careprint.project import ROOT as HOME",
    'HOME = Path(__file__).resolve().parents[1]',
    'HOME = Path(__file__).parent.parent / "handouts"',
    'starter = careprint.project.SHIPPED_CONTENT / "handouts"',
    "from careprint.project import SHIPPED_CONTENT",
])
def test_the_guard_finds_each_way_of_reading_the_repository(code):
    assert len(reads_of_the_repository(code)) == 1, reads_of_the_repository(code)


def test_the_guard_lets_the_fixture_and_code_side_files_through():
    code = """
from careprint.project import ROOT, Project
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"
project = Project(root=FIXTURE, handouts_dir=folder, clinic_file=TEST_CLINIC)
shutil.copytree(ROOT / "templates", target / "templates")
sheet = (ROOT / "styles" / "base.css").read_text()
subprocess.run([sys.executable, str(project_copy / "make_pdfs.py")], cwd=project_copy)
"""
    assert reads_of_the_repository(code) == []
