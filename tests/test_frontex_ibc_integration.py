"""Integration: both real Frontex workbooks in ../shared/data/frontex go through `import` and `build --offline`.
Expected figures are the README's published ones and sums computed here from the workbooks with openpyxl,
independently of the pipeline's reader."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache

import pytest

from pipelines.defs.frontex_ibc import labels
from pipelines.settings import Paths
from tests.build_helpers import query
from tests.conftest import require_shared

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW, OLD = "Detections_of_IBC_2025-06-03.xlsx", "Detections_of_IBC_2018-07-06.xlsx"
# Frontex, Central Mediterranean Route by year, as listed in ../shared/data/README.md
PUBLISHED = {2014: 170_664, 2015: 153_946, 2016: 181_376, 2017: 118_962, 2018: 23_485, 2019: 14_003, 2020: 35_673,
             2021: 67_724, 2022: 105_561, 2023: 158_026, 2024: 66_855}  # fmt: skip
PUBLISHED_2018_FILE_TO_MAY = 13_069
TOP_2023 = {
    "Guinea": 18_450,
    "Tunisia": 17_904,
    "Côte d'Ivoire": 16_051,
    "Bangladesh": 13_011,
    "Egypt": 11_534,
}


@cache
def sheet(name: str) -> list[tuple]:
    import openpyxl

    book = openpyxl.load_workbook(require_shared("frontex") / name, read_only=True, data_only=True)
    return list(book["Detections_of_IBC"].iter_rows(values_only=True))


def year_of(header: object) -> int:
    return header.year if isinstance(header, dt.datetime | dt.date) else int(str(header)[-4:])


def central_med_by_year(name: str) -> dict[int, int]:
    header, *rows = sheet(name)
    found: dict[int, int] = defaultdict(int)
    for row in rows:
        if str(row[0]).startswith("Central Mediterranean"):
            for h, v in zip(header[3:], row[3:], strict=True):
                found[year_of(h)] += int(v)
    return dict(found)


@pytest.fixture(scope="module")
def real_frontex(real_everything: Paths) -> Paths:
    """Both workbooks imported with every other real snapshot and built once (tests/conftest.py)."""
    return real_everything


def test_workbooks_agree_with_each_other_and_the_published_figures() -> None:
    new, old = central_med_by_year(NEW), central_med_by_year(OLD)
    assert {y: new[y] for y in range(2009, 2018)} == {y: old[y] for y in range(2009, 2018)}
    assert {y: new[y] for y in PUBLISHED} == PUBLISHED
    assert old[2018] == PUBLISHED_2018_FILE_TO_MAY


def test_staging_reproduces_each_workbook_by_year(real_frontex: Paths) -> None:
    rows = query(real_frontex.published_db, "select source_file, year(month), sum(detections) from "
                 "staging.stg_frontex_ibc__detections where route = 'Central Mediterranean' group by 1, 2")  # fmt: skip
    by_file: dict[str, dict[int, int]] = defaultdict(dict)
    for file, year, total in rows:
        by_file[NEW if file.endswith(NEW) else OLD][year] = total
    assert by_file[NEW] == central_med_by_year(NEW)
    assert by_file[OLD] == central_med_by_year(OLD)
    assert {y: by_file[NEW][y] for y in range(2009, 2018)} == {y: by_file[OLD][y] for y in range(2009, 2018)}
    assert {y: by_file[NEW][y] for y in PUBLISHED} == PUBLISHED and by_file[OLD][
        2018
    ] == PUBLISHED_2018_FILE_TO_MAY


def test_curated_route_totals_use_the_newest_workbook(real_frontex: Paths) -> None:
    rows = query(real_frontex.published_db, "select year(month), sum(detections), count(*), "
                 "count(distinct source_file), min(source_file) from curated.frontex_route_monthly "
                 "where route = 'Central Mediterranean' group by 1")  # fmt: skip
    found = {year: (total, months, files, file) for year, total, months, files, file in rows}
    for year, published in PUBLISHED.items():
        total, months, files, file = found[year]
        assert (total, months, files) == (published, 12, 1) and file.endswith(NEW)
    assert found[2025][:2] == (central_med_by_year(NEW)[2025], 4)  # January to April 2025


def test_nationality_mix_2023_matches_the_published_top_five(real_frontex: Paths) -> None:
    rows = query(real_frontex.published_db, "select nationality, sum(detections) from "
                 "curated.frontex_detections_monthly where route = 'Central Mediterranean' and year(month) = 2023 "
                 "group by 1 order by 2 desc limit 5")  # fmt: skip
    assert dict(rows) == TOP_2023


def test_every_real_label_maps_and_the_special_ones_stay_named(real_frontex: Paths) -> None:
    seen = {row[2] for name in (NEW, OLD) for row in sheet(name)[1:]}
    table = labels.nationality_table(sorted(seen)).set_index("label")
    assert list(table.index[table["mapping"] == "unmapped"]) == []
    for label in ("Unknown", "Unspecified sub-Saharan nationals", "Stateless", "Kosovo*", "Palestine^"):
        assert table.loc[label, "kind"] in ("not_a_country", "designation")
    assert table.loc["Korea (D.P.R)", "iso3"] == "PRK" and table.loc["Congo (D.R.)", "iso3"] == "COD"
    routes = {row[0] for name in (NEW, OLD) for row in sheet(name)[1:]}
    assert routes <= set(labels.routes())
    outcomes = dict(query(real_frontex.published_db, "select check_name, outcome from curated.validation_results "
                          "where asset = 'staging/stg_frontex_ibc__detections' and level = 'check'"))  # fmt: skip
    assert outcomes == {"gx_detections_suite": "passed", "vintage_plausible_against_previous": "passed",
                        "known_labels": "passed"}  # fmt: skip
