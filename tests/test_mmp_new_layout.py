"""A Missing Migrants file in a layout no test has seen (headers recased and reworded, columns reordered,
coordinates as WKT `POINT (lon lat)`, re-saved by Excel as Windows-1252 with CRLF) is read by column meaning,
reported as a new layout, and reproduces its own totals, computed here from that file; one lacking a needed
column is rejected naming it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines import build_record
from pipelines.lib import raw_store
from tests.build_helpers import build, land_mmp, query
from tests.conftest import FIXTURES, require_shared

# Renamed as other exports write these columns: case, wording; every other header upper-cased.
RENAMES = {
    "Incident Year": "Incident year",
    "Migration Route": "Migration route",
    "Location of Incident": "Location of death",
    "Number of Dead": "number of dead",
    "Total Number of Dead and Missing": "Total number of dead and missing",
    "Coordinates": "coordinates",
}
YEAR, ROUTE, TOTAL, COORDINATES = (RENAMES[c] for c in ("Incident Year", "Migration Route",
                                   "Total Number of Dead and Missing", "Coordinates"))  # fmt: skip


def new_layout(original: bytes, drop: str | None = None) -> bytes:
    """The export with its header renamed (RENAMES, else upper case), columns in reverse order, coordinates
    as POINT (longitude latitude), Windows-1252 (characters it lacks become '?') and CRLF line ends."""
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"), newline="")))
    header = [RENAMES.get(h, h.upper()) for h in rows[0]]
    at = rows[0].index("Coordinates")
    for row in rows[1:]:
        match = re.fullmatch(r"(-?[0-9.]+), *(-?[0-9.]+)", row[at])
        if match:
            row[at] = f"POINT ({match.group(2)} {match.group(1)})"
    keep = [i for i, h in enumerate(rows[0]) if h != drop][::-1]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([[r[i] for i in keep] for r in [header, *rows[1:]]])
    return out.getvalue().encode("cp1252", errors="replace")


def own_figures(variant: bytes) -> tuple[dict[int, int], int, int, float]:
    """Independent of the pipeline, from the variant's own bytes: Central Mediterranean dead and missing by
    year, the rows, and the coordinates it gives (count, sum of latitudes)."""
    totals: dict[int, int] = defaultdict(int)
    rows = located = 0
    latitudes = 0.0
    for row in csv.DictReader(io.StringIO(variant.decode("cp1252"), newline="")):
        rows += 1
        if row[ROUTE] == "Central Mediterranean" and row[YEAR]:
            totals[int(row[YEAR])] += int(row[TOTAL])
        point = re.fullmatch(r"POINT \((-?[0-9.]+) (-?[0-9.]+)\)", row[COORDINATES])
        if point and abs(float(point.group(2))) <= 90 and abs(float(point.group(1))) <= 180:
            located += 1
            latitudes += float(point.group(2))
    return dict(totals), rows, located, latitudes


def _build_and_compare(paths, variant: bytes, tmp_path: Path) -> None:  # noqa: ANN001
    file = tmp_path / "Missing_Migrants_resaved.csv"
    file.write_bytes(variant)
    snapshot = land_mmp(paths, file)
    ok, report = build(paths)
    assert ok, report.failures
    totals, rows, located, latitudes = own_figures(variant)
    built = dict(
        query(
            paths.published_db,
            "select year(month), sum(dead_and_missing)::int from curated.deaths_by_route_month "
            "where route = 'Central Mediterranean' group by 1",
        )
    )
    assert built == totals
    assert query(paths.published_db, "select count(*) from curated.mmp_incidents")[0][0] == rows
    (count, total_latitude, noted) = query(
        paths.working_db,
        "select count(latitude), sum(latitude), count(*) filter (where list_contains(cleaning_notes, "
        "'coordinates read from POINT (longitude latitude)')) from staging.stg_iom_mmp__incidents",
    )[0]
    assert count == located and total_latitude == pytest.approx(latitudes) and noted >= located
    # reported as new, with the encoding, in what the build recorded (and the summary prints)
    record = build_record.read(paths)
    (layout,) = [i["layout"] for i in record["unusual_layouts"] if i["file"] == snapshot.name]
    assert layout.startswith("new layout ") and layout.endswith("; encoding: windows-1252")
    columns = json.loads(layout.removeprefix("new layout ").rsplit("; encoding: ", 1)[0])
    assert columns["Incident year"] == "incident_year" and columns["Location of death"] == "location"
    (stored,) = query(
        paths.published_db, "select layout from curated.mmp_vintages where source_file = ?", [snapshot.name]
    )[0]
    assert stored == layout


def test_a_new_layout_of_the_fixture_builds_and_reproduces_its_totals(paths, tmp_path: Path) -> None:  # noqa: ANN001
    _build_and_compare(paths, new_layout((FIXTURES / "iom_mmp" / "export_2025.csv").read_bytes()), tmp_path)


def test_a_new_layout_lacking_a_needed_column_is_rejected_naming_it(paths, tmp_path: Path) -> None:  # noqa: ANN001
    variant = new_layout((FIXTURES / "iom_mmp" / "export_2025.csv").read_bytes(), drop="Number of Survivors")
    file = tmp_path / "Missing_Migrants_resaved.csv"
    file.write_bytes(variant)
    snapshot = land_mmp(paths, file)
    ok, report = build(paths)
    assert not ok
    (failure,) = [f for f in report.failures if snapshot.name in f]
    assert "missing needed column(s) survivors (known as 'Number of Survivors'" in failure, failure
    sidecar = raw_store.find_snapshot(paths.raw_dir, "iom_mmp", snapshot.name).provenance
    assert sidecar["status"] == "rejected" and "survivors" in sidecar["rejection_reason"]


@pytest.mark.integration
def test_a_new_layout_of_the_real_export_builds_and_reproduces_its_totals(paths, tmp_path: Path) -> None:  # noqa: ANN001
    real = require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
    _build_and_compare(paths, new_layout(real.read_bytes()), tmp_path)
