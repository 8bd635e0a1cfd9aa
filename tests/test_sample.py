"""The bundled sample: deterministic, in the real export layout, with the published annual totals."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from pipelines.defs.iom_mmp import read
from pipelines.sample import iom_mmp, write_sample
from tests.published_figures import MMP_CENTRAL_MED_2014_2024

PUBLISHED = list(MMP_CENTRAL_MED_2014_2024.values())


def test_sample_is_deterministic() -> None:
    assert iom_mmp.sample_csv() == iom_mmp.sample_csv()


def test_sample_keeps_the_real_header_and_the_published_totals() -> None:
    text = iom_mmp.sample_csv().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0].keys()) == list(read.vintages()["export_2025"].keys())
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["Migration Route"] == "Central Mediterranean":
            totals[int(row["Incident Year"])] += int(row["Total Number of Dead and Missing"])
    assert [totals[y] for y in range(2014, 2025)] == PUBLISHED
    quirks = {row["Source Quality"] for row in rows} | {row["Migration Route"] for row in rows}
    assert "4,5" in quirks and "Central Mediterranean,Sahara Desert crossing" in quirks
    assert any("\n" in row["Location of Incident"] for row in rows)
    assert any(row["Number of Survivors"].startswith("-") for row in rows)


def test_sample_snapshots_are_marked_sample(tmp_path) -> None:  # noqa: ANN001
    snapshots = write_sample(tmp_path / "raw")
    assert {s.provenance["source"] for s in snapshots} >= {"iom_mmp", "unhcr_odp"}
    for snapshot in snapshots:
        assert snapshot.provenance["sample"] is True and snapshot.provenance["arrival"] == "sample"
        assert snapshot.provenance["title"].startswith("SAMPLE DATA — synthetic, not for citation")
    assert write_sample(tmp_path / "again") and [s.provenance["sha256"] for s in snapshots] == [
        s.provenance["sha256"] for s in write_sample(tmp_path / "third")
    ]


def test_demo_build_labels_every_output_as_sample(sample_everything_built) -> None:  # noqa: ANN001
    from tests.build_helpers import query

    paths, _printed = (
        sample_everything_built  # `migration-evidence sample` + `build --offline`, as `make demo`
    )
    assert query(paths.published_db, "select distinct data_label from curated.source_snapshots") == [
        ("SAMPLE DATA — synthetic, not for citation",)
    ]
    got = dict(
        query(
            paths.published_db,
            "select year(month), sum(dead_and_missing)::int from curated.deaths_by_route_month "
            "where route = 'Central Mediterranean' and year(month) < 2025 group by 1",
        )
    )
    assert [got[y] for y in range(2014, 2025)] == PUBLISHED
    views = dict(
        query(
            paths.published_db, "select view_name, comment from duckdb_views() where schema_name = 'curated'"
        )
    )
    assert set(views) == {"central_med_yearly", "route_comparison_latest", "italy_top_nationalities_yearly",
                          "trafficking_italy_detected_victims"} and all(views.values())  # fmt: skip
    yearly = dict(
        query(paths.published_db, "select year, dead_and_missing::int from curated.central_med_yearly")
    )
    assert [yearly[y] for y in range(2014, 2025)] == PUBLISHED
    for chart in ("central_med_dead_missing_monthly", "central_med_incident_map"):
        folder = paths.charts_dir / chart
        assert "SAMPLE DATA — synthetic, not for citation" in (folder / f"{chart}.html").read_text()
        assert (
            (folder / f"{chart}.caption.txt")
            .read_text()
            .startswith("SAMPLE DATA — synthetic, not for citation")
        )
