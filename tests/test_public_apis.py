"""The project's code uses its libraries' public APIs only: no import of, or attribute reached through, a private
module of Dagster, kaleido (or the browser driver under it) or Great Expectations."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

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


def test_every_dependency_has_a_range_that_stops_at_the_next_major_version() -> None:
    """Each dependency names a lower bound and an upper bound (`>=X,<Y`), so an upgrade within the range never
    needs a rewrite and a new major version is a decision."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*project["project"]["dependencies"], *project["dependency-groups"]["dev"]]
    unbounded = [d for d in wanted if not re.search(r">=\s*[\d.]+\s*,\s*<\s*[\d.]+", d)]
    assert unbounded == []


@pytest.mark.slow
def test_dg_lists_the_code_locations_assets_and_checks(tmp_path) -> None:  # noqa: ANN001
    """`dg list defs` (the dg project layout in pyproject.toml) loads the same code location as the UI."""
    import json
    import os
    import subprocess

    from pipelines.definitions import defs

    done = subprocess.run(
        [str(Path(sys.executable).with_name("dg")), "list", "defs", "--json"],
        cwd=ROOT, env={**os.environ, "DAGSTER_HOME": str(tmp_path)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    listed = json.loads(done.stdout)
    graph = defs.resolve_asset_graph()
    assert {a["asset_key"] for a in listed["assets"]} == {
        k.to_user_string() for k in graph.get_all_asset_keys()
    }
    checks = {c.asset_key.to_user_string() + ":" + c.name for c in graph.asset_check_keys}
    assert {c["key"] for c in listed["asset_checks"]} == checks
