"""careprint runs with only its own dependencies: the test-only readers are never imported by the package."""

import ast

import pytest

from careprint.project import ROOT

TEST_ONLY = {"pdfplumber", "pypdf", "pdfua", "hypothesis", "zxingcpp", "pytest", "playwright"}


@pytest.mark.parametrize("module", sorted((ROOT / "careprint").glob("*.py")), ids=lambda p: p.name)
def test_the_package_never_imports_a_test_only_library(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert not imported & TEST_ONLY
