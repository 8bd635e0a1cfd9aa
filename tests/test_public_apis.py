"""The project's code uses its libraries' public APIs only: no import of, or attribute reached through, a private
module of Dagster, kaleido (or the browser driver under it) or Great Expectations."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

LIBRARIES = ("dagster", "kaleido", "choreographer", "great_expectations")
PRIVATE = re.compile(rf"\b({'|'.join(LIBRARIES)})\._[A-Za-z]")


def _sources() -> list:
    return sorted([*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")])


def test_no_private_import_or_attribute_of_the_libraries() -> None:
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] in LIBRARIES and any(p.startswith("_") for p in parts[1:]):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
        for number, line in enumerate(text.splitlines(), 1):
            if PRIVATE.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_scan_finds_a_private_import(tmp_path) -> None:  # noqa: ANN001
    sample = "from dagster._core.execution.api import execute_plan\n"
    tree = ast.parse(sample)
    module = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)).module
    assert module.split(".")[0] in LIBRARIES and module.split(".")[1].startswith("_")
    assert PRIVATE.search(sample)
