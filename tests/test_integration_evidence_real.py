"""Integration: the whole evidence layer from every real file in ../shared/data, with indicators computed
independently from the files."""

from __future__ import annotations

import csv
import json

import pytest

from tests.build_helpers import query
from tests.conftest import require_shared

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_build(real_everything):  # noqa: ANN001, ANN201
    """Every real snapshot imported together and built once (tests/conftest.py)."""
    return real_everything


def independent_2016() -> tuple[int, int, int]:
    shared = require_shared()
    dead = 0
    with (shared / "mmp" / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv").open(
        newline="", encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            if row["Migration Route"] == "Central Mediterranean" and row["Incident Year"] == "2016":
                dead += int(row["Total Number of Dead and Missing"])

    def unhcr(geo: str) -> int:
        name = f"timeseries_month_geo{geo}_group4797_sv11_2014-01_2019-11.json"
        points = json.loads((shared / "unhcr" / name).read_text())["data"]["timeseries"]
        return sum(p["individuals"] for p in points if p["year"] == 2016)

    return dead, unhcr("656"), unhcr("690")


def test_central_mediterranean_2016_mortality(real_build) -> None:  # noqa: ANN001
    dead, italy, malta = independent_2016()
    assert (dead, italy, malta) == (4574, 181436, 0)  # IOM and UNHCR published figures
    expected = round(1000 * dead / (italy + malta + dead), 2)
    got = query(real_build.published_db, "select arrivals, dead_and_missing, mortality_per_1000 "
                                         "from curated.route_mortality_yearly where route = 'Central Mediterranean' and year = 2016")  # fmt: skip
    assert got == [(italy + malta, dead, expected)]
    monthly = query(real_build.published_db, "select sum(arrivals_italy)::int, sum(dead_and_missing)::int "
                                             "from curated.central_med_monthly where year(month) = 2016")  # fmt: skip
    assert monthly == [(italy, dead)]


def test_brief_from_real_files_has_no_banner_and_every_chart(real_build) -> None:  # noqa: ANN001
    html = (real_build.reports_dir / "index.html").read_text(encoding="utf-8")
    assert 'class="banner"' not in html and "SAMPLE DATA" not in html
    charts = sorted(p.name for p in real_build.charts_dir.iterdir() if p.is_dir())
    assert len(charts) >= 11  # the EU chart needs Eurostat, which has no real copy here
    assert "eu_registered_victims_by_citizenship" not in charts
    assert all(f'id="{name}"' in html for name in charts)
    assert "Trafficking victims detected in Italy, 2022 (UNODC definition)" in html and "2,146" in html
    labels = query(real_build.published_db, "select distinct data_label from curated.source_snapshots")
    assert labels == [("real",)]


def test_nexus_joins_arrivals_and_detected_victims(real_build) -> None:  # noqa: ANN001
    rows = query(real_build.published_db, "select count(*) filter (where arrivals_italy is not null), "
                                          "count(*) filter (where detected_victims_italy is not null), "
                                          "count(*) filter (where arrivals_italy is not null and detected_victims_italy is not null) "
                                          "from curated.nexus_by_nationality")  # fmt: skip
    with_arrivals, with_victims, both = rows[0]
    assert with_arrivals > 50 and with_victims > 10 and both > 5
