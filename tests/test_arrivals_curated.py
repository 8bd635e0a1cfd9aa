"""Curated arrivals: figure logic on small frames, and the reference figures from the real files of both sources."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.defs.curated import arrival_figures as af
from tests.build_helpers import build, query
from tests.conftest import require_shared

# UNHCR's published sea arrivals to Italy, and the ministry's year-to-date at 31 December (../shared/data/README.md).
UNHCR_ITALY = {2014: 170100, 2015: 153842, 2016: 181436, 2017: 119369, 2018: 23370}
MINISTRY_ITALY = {2019: 11471, 2020: 34154, 2021: 67040, 2022: 105129, 2023: 157652, 2024: 66317}


def test_italy_malta_data_labels_each_month_by_its_source() -> None:
    monthly = pd.DataFrame({
        "country_iso3": ["ITA", "ITA", "MLT", "GRC"],
        "month": pd.to_datetime(["2019-09-01", "2019-10-01", "2019-09-01", "2019-09-01"]),
        "arrival_type": ["sea"] * 4,
        "arrivals": [2499, 2127, 90, 5000],
        "source": ["unhcr_odp", "italy_moi", "unhcr_odp", "unhcr_odp"],
        "basis": ["UNHCR monthly series", "consolidated: ministry year-to-date difference between month-end reports",
                  "UNHCR monthly series", "UNHCR monthly series"],
        "source_file": ["a", "b", "c", "d"],
    })  # fmt: skip
    data = af.italy_malta_data(monthly)
    assert list(data["country_iso3"]) == ["ITA", "ITA", "MLT"]
    assert list(data["basis_label"])[:2] == ["UNHCR monthly series", "Ministry of the Interior, consolidated"]
    figure = af.build_italy_malta_monthly(data)
    assert [t.name for t in figure.data] == [
        "UNHCR monthly series",
        "Ministry of the Interior, consolidated",
        "Malta (UNHCR)",
    ]


def test_top_nationalities_prefers_the_ministry_year_and_drops_others() -> None:
    rows = [("unhcr_odp", "ITA", "NGA", "Nigeria", False, "2018-01-01", "2018-01-31", 50),
            ("unhcr_odp", "ITA", "NGA", "Nigeria", False, "2018-02-01", "2018-02-28", 70),
            ("unhcr_odp", "ITA", "OTH", "Others", True, "2018-01-01", "2018-01-31", 999),
            ("unhcr_odp", "ITA", "TUN", "Tunisia", False, "2019-01-01", "2019-01-31", 10),
            ("italy_moi", "ITA", "TUN", "Tunisia", False, "2019-01-01", "2019-12-31", 2654),
            ("italy_moi", "ITA", "PAK", "Pakistan", False, "2019-01-01", "2019-12-31", 1180)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["source", "destination_iso3", "nationality_key", "nationality", "is_other",
                                        "period_start", "period_end", "arrivals"])  # fmt: skip
    data = af.top_nationalities_data(frame)
    assert data[["year", "rank", "nationality_key", "arrivals", "source"]].values.tolist() == [
        [2018, 1, "NGA", 120, "unhcr_odp"], [2019, 1, "TUN", 2654, "italy_moi"], [2019, 2, "PAK", 1180, "italy_moi"]]  # fmt: skip


def ministry_year_end(path) -> dict[int, int]:  # noqa: ANN001
    """Independent of the pipeline: the sum of Valore at each year's last report."""
    by_report: dict[str, int] = defaultdict(int)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_report[row["Data_Report"]] += int(row["Valore"])
    last = {}
    for report in sorted(by_report):
        last[int(report[:4])] = by_report[report]
    return last


@pytest.mark.integration
def test_reference_figures_come_out_of_sea_arrivals_monthly(paths) -> None:  # noqa: ANN001
    unhcr, moi = require_shared("unhcr"), require_shared("italy_moi")
    assert main(["import", "unhcr_odp", "--manifest", str(unhcr / "manifest.json")]) == 0
    assert main(["import", "italy_moi", *(str(moi / f) for f in ("sbarchi-per-giorno.csv", "nazionalita.csv",
                                                                 "anagrafica-report.csv"))]) == 0  # fmt: skip
    ok, report = build(paths)
    assert ok, report.failures
    db = paths.published_db
    by_year = dict(query(db, "select year(month), sum(arrivals)::int from curated.sea_arrivals_monthly "
                             "where country_iso3 = 'ITA' and arrival_type = 'sea' group by 1"))  # fmt: skip
    assert {y: by_year[y] for y in UNHCR_ITALY} == UNHCR_ITALY
    expected = ministry_year_end(moi / "nazionalita.csv")
    assert {y: expected[y] for y in MINISTRY_ITALY} == MINISTRY_ITALY
    assert {y: by_year[y] for y in range(2020, 2025)} == {y: expected[y] for y in range(2020, 2025)}
    ministry_2019 = query(db, "select sum(ministry_consolidated_arrivals)::int from curated.sea_arrivals_monthly "
                              "where country_iso3 = 'ITA' and year(month) = 2019")  # fmt: skip
    assert ministry_2019 == [(expected[2019],)]
    sources = dict(query(db, "select year(month), string_agg(distinct source, ',') from curated.sea_arrivals_monthly "
                             "where country_iso3 = 'ITA' group by 1"))  # fmt: skip
    assert sources[2016] == "unhcr_odp" and sources[2022] == "italy_moi"
    # reconciliation: UNHCR January-November 2019 against the ministry's year-to-date at 30 November 2019
    unhcr_2019 = sum(p["individuals"] for p in json.loads(
        (unhcr / "timeseries_month_geo656_group4797_sv11_2014-01_2019-11.json").read_text())["data"]["timeseries"]
        if p["year"] == 2019)  # fmt: skip
    (row,) = query(
        db, "select year, unhcr_arrivals, ministry_arrivals_ytd from curated.arrivals_reconciliation"
    )
    with (moi / "nazionalita.csv").open(newline="", encoding="utf-8") as handle:
        november = sum(int(r["Valore"]) for r in csv.DictReader(handle) if r["Data_Report"] == "2019-11-30")
    assert row == (2019, unhcr_2019, november)
    assert any(
        c["check"].endswith("unhcr_and_ministry_agree") and "warn" in c["outcome"] for c in report.checks
    )
