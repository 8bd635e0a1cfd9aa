"""Graph tests on Frontex: two workbooks of different layouts combine by what each covers (each month from the
newest vintage covering it), the same whichever is imported first; revisions, empty cells and route totals;
and the Central Mediterranean reconciliation against sea arrivals. Expected figures are computed here from the
fixture files with this test's own label mapping."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from pipelines.defs.unhcr_odp.source import SOURCE as UNHCR
from pipelines.lib import raw_store
from pipelines.sample.frontex_ibc import release_bytes
from pipelines.settings import resolve_paths
from tests.build_helpers import build, query
from tests.frontex_helpers import fixture_rows, frontex_xlsx, land_frontex
from tests.test_italy_moi_pipeline import land_fixtures as land_ministry_fixtures

# This test's own reading of the fixture labels (not the pipeline's mapping files).
ROUTES = {"Central Mediterranean": "Central Mediterranean", "Central Mediterranean Route": "Central Mediterranean",
          "Eastern Mediterranean": "Eastern Mediterranean", "Eastern Mediterranean Route": "Eastern Mediterranean",
          "Western Balkans": "Western Balkans", "Western Balkan Route": "Western Balkans",
          "Eastern Land Borders": "Eastern Land Borders", "Eastern Borders Route": "Eastern Land Borders"}  # fmt: skip
NATIONALITIES = {"Nigeria": "NGA", "Eritrea": "ERI", "Korea (D.P.R)": "PRK", "North Korea": "PRK",
                 "Congo (D.R.)": "COD", "Congo (Kinshasa)": "COD", "Palestine": "Palestine^", "Tunisia": "TUN",
                 "Türkiye": "TUR", "Syria": "SYR", "Afghanistan": "AFG", "Ukraine": "UKR",
                 "Kosovo": "Kosovo (without the asterisk)"}  # fmt: skip
DROPPED_MONTHS = (
    2  # the 2025 workbook of these tests starts in January 2018: November-December 2017 only in 2018's
)


def month_of(header: str) -> dt.date:
    if header[:1].isdigit():
        return dt.date.fromisoformat(header)
    return dt.datetime.strptime("01" + header, "%d%b%Y").date()


def cells(name: str, drop: int = 0) -> dict[tuple, int | None]:
    """{(route, border type, nationality key, month): count or None} of a fixture, its first `drop` months left out."""
    header, *rows = fixture_rows(name)
    found = {}
    for row in rows:
        key = (ROUTES[row[0]], row[1], NATIONALITIES.get(row[2], row[2]))
        for h, v in list(zip(header[3:], row[3:], strict=True))[drop:]:
            found[(*key, month_of(h))] = int(v) if v else None
    return found


def drop_first_months(header: list, rows: list) -> None:
    del header[3 : 3 + DROPPED_MONTHS]
    for row in rows:
        del row[3 : 3 + DROPPED_MONTHS]


def land_both(paths, tmp_path, newer_first: bool) -> None:  # noqa: ANN001
    files = [frontex_xlsx(tmp_path, "2025", drop_first_months), frontex_xlsx(tmp_path, "2018")]
    for file in files if newer_first else files[::-1]:
        land_frontex(paths, file, accessed="2025-06-10")


def test_workbooks_combine_by_coverage_in_either_order(paths, tmp_path) -> None:  # noqa: ANN001
    other = resolve_paths(tmp_path / "other" / "data", tmp_path / "other" / "reports")
    land_both(paths, tmp_path / "a", newer_first=True)
    land_both(other, tmp_path / "b", newer_first=False)
    tables = {}
    for where in (paths, other):
        ok, report = build(where)
        assert ok, report.failures
        tables[where] = [
            query(where.published_db, f"select * exclude (source_file) from curated.{t} order by all")
            for t in ("frontex_detections_monthly", "frontex_route_monthly")
        ] + [query(where.published_db, "select * exclude (earlier_file, later_file) from curated.frontex_ibc_revisions "
                                        "order by all")]  # fmt: skip
    assert tables[paths] == tables[other] and tables[paths][0]

    old, new = cells("ibc_2018.csv"), cells("ibc_2025.csv", DROPPED_MONTHS)
    expected = dict(new)
    expected.update(
        {k: v for k, v in old.items() if k[3] < min(m for *_, m in new)}
    )  # months only 2018's covers
    published = query(paths.published_db, "select route, border_type, nationality_key, month, detections, "
                                          "source_file from curated.frontex_detections_monthly")  # fmt: skip
    assert {r[:4]: r[4] for r in published} == expected
    by_file = {r[3]: r[5] for r in published}
    assert "Detections_of_IBC_2018" in by_file[dt.date(2017, 12, 1)]
    assert "Detections_of_IBC_2025" in by_file[dt.date(2018, 1, 1)]

    # route totals: every nationality and border type; an empty cell makes the month's total null, not smaller
    totals: dict[tuple, list] = defaultdict(list)
    for (route, border, _nat, month), value in expected.items():
        totals[(route, month)].append((border, value))
    routes = query(paths.published_db, "select route, month, detections, detections_sea, detections_land, "
                                       "cells_not_reported from curated.frontex_route_monthly")  # fmt: skip
    assert len(routes) == len(totals)
    for route, month, total, sea, land, missing in routes:
        values = totals[(route, month)]
        empty = sum(v is None for _, v in values)
        assert missing == empty
        assert total == (None if empty else sum(v for _, v in values))
        if not any(b == "Land" for b, _ in values):
            assert land is None  # no Land row on the route: not reported, never 0
        if not any(b == "Sea" for b, _ in values):
            assert sea is None
    assert query(paths.published_db, "select detections, detections_sea, detections_land, is_complete from "
                 "curated.frontex_route_monthly where route = 'Western Balkans' and month = date '2018-07-01'") == [
        (None, expected[("Western Balkans", "Sea", "Third-country", dt.date(2018, 7, 1))], None, False)
    ]  # fmt: skip

    # revisions: every key and month both workbooks cover whose figure differs, appears or disappears
    both = {m for *_, m in old} & {m for *_, m in new}
    changed = {k: new[k] - old[k] for k in old.keys() & new.keys() if k[3] in both and old[k] != new[k]}
    added = {k for k in new.keys() - old.keys() if k[3] in both}
    removed = {k for k in old.keys() - new.keys() if k[3] in both}
    revisions = query(paths.published_db, "select route, border_type, nationality_key, month, change, difference "
                                          "from curated.frontex_ibc_revisions")  # fmt: skip
    assert {r[:4]: r[5] for r in revisions if r[4] == "changed"} == changed
    assert {r[:4] for r in revisions if r[4] == "added"} == added
    assert {r[:4] for r in revisions if r[4] == "removed"} == removed
    assert (
        changed[("Central Mediterranean", "Sea", "ERI", dt.date(2018, 3, 1))] == 12
    )  # as the fixture README says

    # the checks ran and were recorded
    outcomes = {c["check"]: c["outcome"] for c in report.checks}
    assert outcomes["staging/stg_frontex_ibc__detections:gx_detections_suite"] == "passed"
    assert outcomes["staging/stg_frontex_ibc__detections:known_labels"] == "passed"
    assert query(paths.published_db, "select outcome from curated.validation_results where check_name = "
                 "'gx_detections_suite' and level = 'check'") == [("passed",)]  # fmt: skip


def test_an_unknown_label_warns_and_stays_as_published(paths, tmp_path) -> None:  # noqa: ANN001
    def rename(_header: list, rows: list) -> None:
        rows[0][0] = "Northern Arctic Route"
        rows[1][2] = "Atlantis"

    land_frontex(paths, frontex_xlsx(tmp_path, "2025", rename))
    ok, report = build(paths)
    assert ok, report.failures
    check = next(c for c in report.checks if c["check"].endswith(":known_labels"))
    assert check["outcome"] == "FAILED (warn)"
    assert query(paths.published_db, "select summary from curated.validation_results where check_name = "
                 "'known_labels' and level = 'check'")[0][0].count("Atlantis") == 1  # fmt: skip
    assert query(paths.published_db, "select distinct nationality_kind, nationality_iso3 from "
                 "curated.frontex_detections_monthly where nationality_published = 'Atlantis'") == [("unmapped", None)]  # fmt: skip
    assert query(paths.published_db, "select count(*) from curated.frontex_route_monthly where route = "
                 "'Northern Arctic Route'")[0][0] > 0  # fmt: skip


def unhcr_series(paths, tmp_path, geo: int, months: dict[tuple[int, int], int]) -> raw_store.Snapshot:  # noqa: ANN001
    url = (f"https://data2.unhcr.org/population/get/timeseries?geo_id={geo}&sv_id=11&population_group=4797"
           "&frequency=month&fromDate=2014-01-01")  # fmt: skip
    points = [{"year": y, "month": m, "individuals": v} for (y, m), v in sorted(months.items())]
    file = tmp_path / f"timeseries_{geo}.json"
    file.write_text(json.dumps({"data": {"timeseries": points}}))
    return raw_store.land(paths.raw_dir, UNHCR, file, arrival="import", accessed=dt.date(2020, 1, 15),
                          stands_for=url)  # fmt: skip


def test_central_med_reconciliation_states_what_it_compares(paths, tmp_path) -> None:  # noqa: ANN001
    from python_calamine import CalamineWorkbook

    workbook = tmp_path / "Detections_of_IBC_2025_06_03.xlsx"
    workbook.write_bytes(release_bytes("2025"))
    land_frontex(paths, workbook)
    italy = {(y, m): 1000 * (y - 2014) + m for y in (2016, 2017) for m in range(1, 13)}
    italy[(2018, 1)] = 500  # 2018: one month only, a partial year
    unhcr_series(paths, tmp_path, 656, italy)
    unhcr_series(paths, tmp_path, 690, {(2016, m): 10 for m in range(1, 13)})  # Malta: 2016 only
    land_ministry_fixtures(
        paths
    )  # curated.sea_arrivals_yearly reads both arrival sources (the ministry's: 2022-24)
    ok, report = build(paths)
    assert ok, report.failures

    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Detections_of_IBC").to_python()
    header = rows[0]
    central = defaultdict(int)
    for row in rows[1:]:
        if row[0] == "Central Mediterranean Route":
            for h, v in zip(header[3:], row[3:], strict=True):
                central[int(h[3:])] += int(v)
    found = {r[0]: r[1:] for r in query(paths.published_db, (
        "select year, detections, arrivals_compared, comparison_includes, detections_minus_arrivals, "
        "comparison_null_reason from curated.frontex_central_med_reconciliation"))}  # fmt: skip
    italy_year = {y: sum(v for (yy, _m), v in italy.items() if yy == y) for y in (2016, 2017)}
    assert found[2016] == (central[2016], italy_year[2016] + 120, "Italy + Malta",
                           central[2016] - italy_year[2016] - 120, None)  # fmt: skip
    assert found[2017][1:4] == (italy_year[2017], "Italy only (Malta not reported for the whole year)",
                                central[2017] - italy_year[2017])  # fmt: skip
    assert found[2018][1:4] == (None, None, None) and "partial" in found[2018][4]
    assert found[2013][3] is None and "not reported" in found[2013][4]
    assert found[2025][0] == central[2025] and "4 of 12 months" in found[2025][4]
    assert (
        found[2016][0] == 181376
    )  # Frontex's published 2016 Central Mediterranean figure (the sample follows it)
