"""Dead and missing by country of incident on the real Missing Migrants files (the shared real build: every month
of 2014 to May 2025 comes from the 2025-05-05 file, the newest that covers it, which has the Country of Incident
column). Expected figures are computed here from
the raw file with pandas, and the route totals are the data README's reference figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.build_helpers import query
from tests.conftest import require_shared

ROOT = Path(__file__).resolve().parents[1]
FILE = "Missing_Migrants_Global_Figures_allData_2025-05-05.csv"
# ../shared/data/README.md, reference figures computed from the 2025-05-05 file
README_TOTALS = {2014: 3126, 2015: 3149, 2016: 4574, 2017: 2853, 2018: 1314, 2019: 1262, 2020: 991, 2021: 1552,
                 2022: 1417, 2023: 2526, 2024: 1719}  # fmt: skip


@pytest.fixture(scope="module")
def built(real_everything):  # noqa: ANN001, ANN201
    """The shared real build (every Missing Migrants file: for 2014-2024 the 2025-05-05 file is the one that
    covers them) and the file the expected figures are computed from."""
    return real_everything, require_shared("mmp") / FILE


def _raw_central_med(raw: Path) -> pd.DataFrame:
    data = pd.read_csv(raw, dtype=str, keep_default_na=False)
    data = data[data["Migration Route"].str.strip() == "Central Mediterranean"].copy()
    total = pd.to_numeric(data["Total Number of Dead and Missing"].str.replace(",", ""), errors="coerce")
    data["dm"] = total
    data["year"] = pd.to_numeric(data["Incident Year"], errors="coerce")
    return data


def test_route_totals_per_year_equal_the_readme_reference(built) -> None:  # noqa: ANN001
    paths, _raw = built
    rows = query(paths.published_db, "select year, sum(dead_and_missing), max(route_dead_and_missing) "
                 "from curated.dead_missing_by_incident_country_yearly where year between 2014 and 2024 "
                 "group by year")  # fmt: skip
    assert {int(y): int(t) for y, t, _r in rows} == README_TOTALS
    assert all(int(t) == int(r) for _y, t, r in rows)


def test_country_of_incident_and_the_shift_from_libya_to_tunisia(built) -> None:  # noqa: ANN001
    paths, raw = built
    data = _raw_central_med(raw)
    data["country"] = data["Country of Incident"].str.strip()
    expected = data.groupby(["year", "country"])["dm"].sum()
    rows = query(paths.published_db, "select year, country, method, dead_and_missing, share_percent "
                 "from curated.dead_missing_by_incident_country_yearly where year between 2014 and 2024")  # fmt: skip
    found = {(int(y), c): (m, d, s) for y, c, m, d, s in rows}
    for (year, country), value in expected.items():
        if 2014 <= year <= 2024 and country:
            method, dm, _share = found[(int(year), country)]
            assert method == "reported country" and dm == value, (year, country)
    share = {(y, c): s for (y, c), (_m, _d, s) in found.items()}
    raw_share = {k: round(100 * v / README_TOTALS[int(k[0])], 1) for k, v in expected.items()
                 if 2014 <= k[0] <= 2024 and k[1] in ("Libya", "Tunisia")}  # fmt: skip
    for key, value in raw_share.items():
        assert share[(int(key[0]), key[1])] == value, key
    # the shift: 2023 is the first year Tunisia's waters hold a larger share of the route's dead and missing than
    # Libya's (Libya's share more than halves from 2021)
    assert all(share[(y, "Libya")] > share[(y, "Tunisia")] for y in range(2014, 2023))
    assert share[(2023, "Tunisia")] > share[(2023, "Libya")]
    assert share[(2023, "Libya")] < share[(2021, "Libya")] / 2
