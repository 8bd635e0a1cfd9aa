"""Adding a source is copying a sibling folder and editing it (CONTRIBUTING.md, "Adding a source"): in a
temporary copy of the project, a toy source made from `pipelines/defs/eurostat_thb/` and its staging model is
discovered from its folder (no list of sources to edit), and its snapshot is imported, built, checked and
published."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "eurostat_thb"
TOY = "toy_thb"

pytestmark = pytest.mark.slow


def _copy_project(target: Path) -> Path:
    for name in ("pipelines", "sql", "vendor"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "dagster.yaml"):
        shutil.copy(ROOT / name, target / name)
    return target


def _add_toy_source(project: Path) -> None:
    """The steps of CONTRIBUTING.md: copy the sibling folder, rename what names the source, copy its model."""
    folder = project / "pipelines" / "defs" / TOY
    shutil.copytree(project / "pipelines" / "defs" / "eurostat_thb", folder)
    for path in [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".csv")]:
        path.write_text(path.read_text(encoding="utf-8").replace("eurostat_thb", TOY), encoding="utf-8")
    model = project / "sql" / "staging" / "stg_eurostat_thb__observations.sql"
    target = model.with_name(f"stg_{TOY}__observations.sql")
    target.write_text(model.read_text(encoding="utf-8").replace("eurostat_thb", TOY), encoding="utf-8")


def _cli(project: Path, data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MIGRATION_OFFLINE": "1", "DAGSTER_HOME": str(data / "dagster")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "--data-dir", str(data / "data"), "--reports-dir",
         str(data / "reports"), *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _rows(file: Path) -> int:
    with open(file, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_a_copied_source_folder_is_discovered_built_checked_and_published(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    _add_toy_source(project)

    listed = _cli(project, tmp_path, "status")
    assert listed.returncode == 0, listed.stderr
    assert TOY in listed.stdout

    fixture = FIXTURES / "crim_thb_sex.csv"
    landed = _cli(project, tmp_path, "import", TOY, str(fixture))
    assert landed.returncode == 0, landed.stderr
    built = _cli(project, tmp_path, "build", "--offline", "--no-images")
    assert built.returncode == 0, built.stderr[-3000:]
    assert f"stg_{TOY}__observations" in built.stderr

    published = tmp_path / "data" / "curated" / "evidence.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    try:
        snapshots = con.execute(
            "select source, rows from curated.source_snapshots where source = ?", [TOY]
        ).fetchall()
        checks = con.execute(
            "select check_name, outcome from curated.validation_results "
            "where level = 'check' and asset = ? order by check_name",
            [f"staging/stg_{TOY}__observations"],
        ).fetchall()
    finally:
        con.close()
    # the toy's snapshot is published with every data row of the file, and its checks ran and were recorded
    assert [source for source, _ in snapshots] == [TOY]
    assert snapshots[0][1] == _rows(fixture)
    assert {name for name, _ in checks} == {"gx_observations_suite", "vintage_plausible_against_previous",
                                           "known_codes", "datasets_present"}  # fmt: skip
    assert dict(checks)["gx_observations_suite"] == "passed"
    assert dict(checks)["vintage_plausible_against_previous"] == "passed"
