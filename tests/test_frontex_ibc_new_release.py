"""A new Frontex release that adds years and a nationality never seen before goes through import and build with
no change to the code: the nationality mix gains every new year, with shares computed here from the cells this
test wrote, and the new label maps to its country through the maintained name patterns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tests.build_helpers import build, query
from tests.frontex_helpers import frontex_xlsx, land_frontex

NEW_YEARS = range(2019, 2024)  # five more years, 2017 to 2023 in all
NEW_LABEL = "Sudan"


def months_after_the_fixture() -> list[dt.date]:
    months, day = [], dt.date(2018, 9, 1)
    while day.year <= max(NEW_YEARS):
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def cell(row: int, month: int) -> int:
    return (row * 37 + month * 11) % 97


def extend(header: list, rows: list) -> None:
    """SEP2018 to DEC2023 appended in the 2025 layout's text headers, and a Sudan row on the route."""
    months = months_after_the_fixture()
    header.extend(m.strftime("%b%Y").upper() for m in months)
    width = len(rows[0]) - 3
    rows.append(["Central Mediterranean Route", "Sea", NEW_LABEL, *([0] * width)])
    for i, row in enumerate(rows):
        row.extend(cell(i, j) for j in range(len(months)))


def expected_central_med(header: list, rows: list) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    by_label: dict[tuple[int, str], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        if row[0].startswith("Central Mediterranean"):
            for h, v in zip(header[3:], row[3:], strict=True):
                year = int(str(h)[-4:])
                by_label[(year, row[2])] += int(v)
                totals[year] += int(v)
    return dict(by_label), dict(totals)


def test_a_release_with_more_years_and_a_new_nationality_needs_no_code_change(paths, tmp_path) -> None:  # noqa: ANN001
    land_frontex(paths, frontex_xlsx(tmp_path / "old", "2025"), accessed="2025-06-10")
    written: dict[str, list] = {}

    def keep(header: list, rows: list) -> None:
        extend(header, rows)
        written["header"], written["rows"] = list(header), [list(r) for r in rows]

    newer = frontex_xlsx(tmp_path / "new", "2025", keep, data_as_of="Source: FRAN data as of 15JAN24")
    land_frontex(paths, newer, accessed="2024-01-20")
    ok, report = build(paths)
    assert ok, report.failures
    by_label, totals = expected_central_med(written["header"], written["rows"])
    mix = query(paths.published_db, "select year, nationality_key, nationality, detections, share_percent, "
                "route_detections, is_complete from curated.frontex_nationality_mix_yearly")  # fmt: skip
    assert sorted({r[0] for r in mix}) == list(range(2017, max(NEW_YEARS) + 1))
    for year in NEW_YEARS:
        rows = [r for r in mix if r[0] == year]
        assert {r[6] for r in rows} == {True} and {r[5] for r in rows} == {totals[year]}
        sudan = [r for r in rows if r[1] == "SDN"]
        assert sudan and sudan[0][3] == by_label[(year, NEW_LABEL)]
        assert sudan[0][4] == round(100 * by_label[(year, NEW_LABEL)] / totals[year], 2)
        assert sum(r[3] for r in rows) == totals[year]
    outcomes = {c["check"]: c["outcome"] for c in report.checks}
    assert outcomes["staging/stg_frontex_ibc__detections:known_labels"] == "passed"
    files = query(paths.published_db, "select distinct source_file from curated.frontex_detections_monthly "
                  "where month >= date '2018-09-01'")  # fmt: skip
    assert len(files) == 1 and newer.name in files[0][0]
