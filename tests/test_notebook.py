"""The starter notebook: its .ipynb and paired .py agree, and every cell runs against a database built from
the fixtures."""

from __future__ import annotations

import os

import jupytext

from tests.build_helpers import build, land_mmp
from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "query_evidence.ipynb"
PAIRED = ROOT / "notebooks" / "query_evidence.py"


def _code(notebook) -> list[str]:  # noqa: ANN001
    return [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]


def test_notebook_and_its_text_file_are_paired() -> None:
    assert _code(jupytext.read(NOTEBOOK)) == _code(jupytext.read(PAIRED))


def test_every_cell_runs_against_a_fixture_database(paths, mmp_fixture, monkeypatch) -> None:  # noqa: ANN001
    land_mmp(paths, mmp_fixture("export_2025.csv"), accessed="2025-05-05")
    ok, report = build(paths)
    assert ok, report.failures
    monkeypatch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
    namespace: dict = {}
    for source in _code(jupytext.read(NOTEBOOK)):
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)  # noqa: S102
    deaths = namespace["deaths"]
    assert deaths.set_index("year")["dead_and_missing"].to_dict() == {
        2014: 53,
        2015: 758,
        2018: 100,
        2019: 142,
        2024: 30,
    }
    assert namespace["vintages"]["data_label"].tolist() == ["real"]
    assert set(namespace["tables"]["table_name"]) >= {
        "mmp_incidents",
        "deaths_by_route_month",
        "validation_results",
    }
    assert os.environ["MIGRATION_DATA_DIR"] == str(paths.data_dir)
