"""Published figures: the project's figures.csv validates (every figure with an address and dates, one preferred
row per figure), bad rows are refused naming file, row and column, and a build keeps disagreeing documents
side by side with their citations. Expected rows are read here from the CSV file with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.defs.published_figures import read
from pipelines.defs.published_figures.source import FIGURES, SOURCE
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from tests.build_helpers import build, query


def project_rows() -> list[dict[str, str]]:
    with FIGURES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def edited(tmp_path: Path, change) -> Path:  # noqa: ANN001
    rows = project_rows()
    change(rows)
    out = tmp_path / "figures.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


def land(paths, file: Path, accessed: str = "2026-12-03") -> raw_store.Snapshot:  # noqa: ANN001
    import datetime as dt

    return raw_store.land(
        paths.raw_dir, SOURCE, file, arrival="import", accessed=dt.date.fromisoformat(accessed)
    )


def test_the_project_file_validates_and_cites_every_figure(paths) -> None:  # noqa: ANN001
    snapshot = land(paths, FIGURES)
    frame = read.read_snapshot(snapshot)
    assert read.validate(frame, snapshot.name)["figures"] == len(project_rows())
    for row in project_rows():
        assert row["url"].startswith("https://") and row["published"] and row["read_on"]


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (lambda rows: rows[2].update(url=""), "url", "every figure needs its url"),
        (lambda rows: rows[2].update(published=""), "published", "every figure needs its published"),
        (lambda rows: rows[2].update(read_on="14/07/2025"), "read_on", "is not a date"),
        (lambda rows: rows[2].update(value="11,891"), "value", "is not a number"),
        (lambda rows: rows[7].update(preferred="true"), "preferred", "second preferred row"),
        (lambda rows: rows[8].update(preferred="false"), "preferred", "without a preferred row"),
        (lambda rows: rows[7].update(choice_note=""), "choice_note", "not preferred: say why"),
    ],
)
def test_a_bad_figure_is_refused_naming_row_and_column(
    paths, tmp_path, change, column: str, message: str
) -> None:  # noqa: ANN001
    snapshot = land(paths, edited(tmp_path, change))
    with pytest.raises(SourceFormatError, match=message) as error:
        read.validate(read.read_snapshot(snapshot), snapshot.name)
    assert f"column '{column}'" in str(error.value) and ", row " in str(error.value)


def test_build_keeps_both_documents_and_sets_a_bad_newer_file_aside(paths, tmp_path) -> None:  # noqa: ANN001
    good = land(paths, FIGURES, accessed="2026-12-01")
    ok, report = build(paths)
    assert ok, report.failures
    published = query(paths.published_db, "select figure_id, value, is_preferred, url, citation from "
                      "curated.published_figures")  # fmt: skip
    expected = {
        r["figure_id"]: (float(r["value"]), r["preferred"] == "true", r["url"]) for r in project_rows()
    }
    assert {f: (v, p, u) for f, v, p, u, _ in published} == expected
    for _figure, _v, _p, url, citation in published:
        assert url in citation and "published 20" in citation and "read 2026-12-03" in citation
    dead_2022 = [
        r
        for r in project_rows()
        if r["series"] == "dead_reported_by_iom_libya" and r["period_start"] == "2022-01-01"
    ]
    assert sorted(float(r["value"]) for r in dead_2022) == [525.0, 529.0]  # both documents kept
    assert sum(r["preferred"] == "true" for r in dead_2022) == 1

    bad = land(paths, edited(tmp_path, lambda rows: rows[0].update(url="")), accessed="2026-12-05")
    ok, report = build(paths)
    assert not ok and any("row 2" in f and "'url'" in f and bad.name in f for f in report.failures)
    statuses = {s.name: s.provenance["status"] for s in raw_store.list_snapshots(paths.raw_dir, "published_figures",
                                                                                 include_rejected=True)}  # fmt: skip
    assert statuses == {good.name: "accepted", bad.name: "rejected"}
