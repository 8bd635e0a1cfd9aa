"""The GX runner: the same outcome whether a suite runs on one frame or, on large frames, on each group of
expectations' own columns; counts as pandas counts them."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.lib import gx_runner
from pipelines.lib.gx_runner import Expectation


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    dead = pd.array(rng.integers(-2, 60, rows), dtype="Int64")
    dead[::11] = pd.NA
    missing = pd.array(rng.integers(0, 40, rows), dtype="Int64")
    total = np.asarray((dead.fillna(0) + missing).astype("int64"))
    total[::13] += 1  # disagrees with dead + missing
    ids = pd.array([f"2019.MMP{i:06d}" for i in range(rows)], dtype="string")
    ids[5] = ids[4]  # one repeated id
    return pd.DataFrame(
        {
            "incident_id": ids,
            "dead": dead,
            "missing": missing,
            "dead_and_missing": total,
            "dead_plus_missing": dead + missing,
            "latitude": rng.uniform(-95, 95, rows),
            "unused": ["x"] * rows,
        }
    )


EXPECTATIONS = [
    Expectation("ExpectColumnValuesToNotBeNull", {"column": "incident_id"}),
    Expectation("ExpectColumnValuesToBeUnique", {"column": "incident_id"}),
    Expectation("ExpectColumnValuesToBeBetween", {"column": "dead", "min_value": 0, "max_value": 50}),
    Expectation("ExpectColumnValuesToBeBetween", {"column": "missing", "min_value": 0, "max_value": 100}),
    Expectation("ExpectColumnValuesToBeBetween", {"column": "latitude", "min_value": -90, "max_value": 90}),
    Expectation(
        "ExpectColumnPairValuesToBeEqual",
        {
            "column_A": "dead_and_missing",
            "column_B": "dead_plus_missing",
            "ignore_row_if": "either_value_is_missing",
        },
    ),
    Expectation("ExpectColumnValuesToNotBeNull", {"column": "dead"}, "warn"),
]


def test_split_and_whole_frame_give_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame(3_000)
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 10**9)
    assert len(gx_runner._groups(frame, EXPECTATIONS)) == 1
    whole = gx_runner.run_suite("whole", frame, EXPECTATIONS)
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 1)
    assert len(gx_runner._groups(frame, EXPECTATIONS)) == 5  # incident_id and dead are read by two each
    split = gx_runner.run_suite("split", frame, EXPECTATIONS)
    assert split.rows == whole.rows and split.success == whole.success is False

    counts = [r["unexpected_count"] for r in whole.rows]
    dead, missing = frame["dead"].dropna(), frame["missing"]
    both = frame["dead_plus_missing"].notna()
    assert counts == [
        0,
        2,  # both rows of the repeated id
        int(((dead < 0) | (dead > 50)).sum()),
        int(((missing < 0) | (missing > 100)).sum()),
        int(((frame["latitude"] < -90) | (frame["latitude"] > 90)).sum()),
        int((frame.loc[both, "dead_and_missing"] != frame.loc[both, "dead_plus_missing"]).sum()),
        int(frame["dead"].isna().sum()),
    ]
    assert [r["success"] for r in whole.rows] == [c == 0 for c in counts]
    assert counts[2] and counts[4] and counts[5] and counts[6]  # the frame has failures of each kind
    assert whole.failures("warn") == [whole.rows[-1]]


def test_a_missing_column_is_reported_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 1)
    frame = _frame(100).drop(columns=["latitude"])
    assert gx_runner._groups(frame, EXPECTATIONS)[0][0] is None
    result = gx_runner.run_suite("missing", frame, EXPECTATIONS)
    assert not result.success and result.rows[4]["exception"] and "latitude" in result.rows[4]["exception"]


def test_in_parts_fetches_each_column_group_and_keeps_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """At scale each column group is fetched on its own (never the whole table) and the rows come back in the
    expectations' order, equal to one run on the whole frame."""
    frame = _frame(2_000)
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 10**9)
    whole = gx_runner.run_suite("whole", frame, EXPECTATIONS)
    fetched: list[list[str] | None] = []

    def fetch(columns: list[str] | None) -> pd.DataFrame:
        fetched.append(columns)
        return frame if columns is None else frame[columns]

    small = gx_runner.run_suite_in_parts("small", fetch, EXPECTATIONS, len(frame), frame.columns)
    assert fetched == [None] and small.rows == whole.rows
    fetched.clear()
    monkeypatch.setattr(gx_runner, "SPLIT_ROWS", 1_000)
    parts = gx_runner.run_suite_in_parts("parts", fetch, EXPECTATIONS, len(frame), frame.columns)
    assert None not in fetched and len(fetched) == 5 and max(len(c) for c in fetched) == 2
    assert parts.rows == whole.rows and parts.success is whole.success is False


def _assigned_module_attributes(source: str) -> list[str]:
    """Every `module.attribute = …` (or `del`, augmented assignment), `setattr(…)` or `sys.modules[…] = …` in
    `source` whose target is a module the source imports."""
    tree = ast.parse(source)
    modules = {"sys", "importlib"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.update(alias.asname or alias.name for alias in node.names)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
        ):
            found.append(f"line {node.lineno}: {node.func.id}(…)")
        for target in targets:
            base = target
            while isinstance(base, ast.Attribute | ast.Subscript):
                base = base.value
            if target is not base and isinstance(base, ast.Name) and base.id in modules:
                found.append(f"line {node.lineno}: {ast.unparse(target)}")
    return found


@pytest.mark.parametrize("path", ["pipelines/lib/gx_runner.py", "pipelines/lib/checks.py"])
def test_no_library_module_is_patched_in_the_source(path: str) -> None:
    source = (Path(__file__).resolve().parents[1] / path).read_text(encoding="utf-8")
    assert _assigned_module_attributes(source) == []
    for patch in ("HASH_THRESHOLD", "LazyLoader", "sys.modules[", "import great_expectations._"):
        assert patch not in source, patch
    assert _assigned_module_attributes(
        "import a.b\na.b.c = 1\nsetattr(a, 'c', 2)\nimport sys\nsys.modules['x'] = a\n"
    )


LIBRARY_MODULES_UNTOUCHED = """
import json, sys
import pandas as pd
import great_expectations as gx

# GX's own first use (its lazily set module state) happens before the snapshot
context = gx.get_context(mode="ephemeral")
batch = context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
batch.get_batch(batch_parameters={"dataframe": pd.DataFrame({"x": [1]})}).validate(
    gx.expectations.ExpectColumnValuesToNotBeNull(column="x"))


def snapshot():
    return {name: {k: id(v) for k, v in list(vars(module).items())}
            for name, module in list(sys.modules.items()) if module is not None
            and not name.startswith(("pipelines", "__main__"))}


before = snapshot()
from pipelines.lib import gx_runner
from pipelines.lib.gx_runner import Expectation

result = gx_runner.run_suite("untouched", pd.DataFrame({"x": [1, 2, None]}),
                                  [Expectation("ExpectColumnValuesToNotBeNull", {"column": "x"}, "warn")])
after = snapshot()
changed = sorted(f"{name}.{key}" for name, attributes in before.items() for key, value in attributes.items()
                 if after.get(name, {}).get(key) != value)
print(json.dumps({"changed": changed, "unexpected": result.rows[0]["unexpected_count"]}))
"""


def test_a_suite_leaves_every_library_module_untouched() -> None:
    """In a fresh process: after GX's import and a first validation of its own, running a suite through gx_runner
    rebinds no attribute of any module already imported (the source test above covers lazy loading)."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_MODULES_UNTOUCHED],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"changed": [], "unexpected": 1}
