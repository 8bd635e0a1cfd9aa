"""Integration: the two real migr_eipre responses in ../shared/data/eurostat go through `import` and `build
--offline`; Italy's found-illegally-present totals 2010-2022 reproduce the JSON-stat values with their flags
(computed here from the file with numpy) and the published figures of the README."""

from __future__ import annotations

import json

import pytest

from pipelines.settings import Paths
from tests.build_helpers import query
from tests.conftest import require_shared
from tests.test_jsonstat import expected_cells

pytestmark = pytest.mark.integration

DETAILED, TOTALS = "migr_eipre_by_reason_apprehension.json", "migr_eipre_totals.json"
# Eurostat, Italy, found illegally present, total, as listed in ../shared/data/README.md
PUBLISHED = {
    2010: 46_955,
    2014: 25_300,
    2016: 32_365,
    2018: 26_780,
    2020: 22_785,
    2021: 92_070,
    2022: 138_420,
}


def totals(name: str, geo: str) -> dict[int, tuple[int | None, str | None]]:
    document = json.loads((require_shared("eurostat") / name).read_text())
    ids = document["id"]
    found = {}
    for key, (value, status) in expected_cells(document).items():
        cell = dict(zip(ids, key, strict=True))
        if cell["geo"] == geo and cell["reason"] == "TOTAL" and cell["apprehen"] == "TOTAL":
            found[int(cell["time"])] = (int(value) if value else None, status or None)
    return found


@pytest.fixture(scope="module")
def real_eipre(real_everything: Paths) -> Paths:
    """The shared real build: the detailed response imported as fetched on 2026-05-20, the totals response on
    2026-08-18 (tests/conftest.py)."""
    return real_everything


def test_italy_2010_2022_reproduces_the_json_stat_values_with_flags(real_eipre: Paths) -> None:
    expected = totals(TOTALS, "IT")  # the newer vintage (accessed 2026-08-18) is preferred
    assert expected == totals(DETAILED, "IT")  # both responses agree for Italy
    assert sorted(expected) == list(range(2010, 2023))
    assert {y: expected[y][0] for y in PUBLISHED} == PUBLISHED
    found = query(real_eipre.published_db, "select year, found_illegally_present, flag, source_file from "
                  "curated.illegally_present_yearly where geo = 'IT' order by year")  # fmt: skip
    assert {y: (v, f) for y, v, f, _ in found} == expected
    assert all(file.endswith(TOTALS) for *_, file in found)


def test_every_flag_is_attached_to_its_value(real_eipre: Paths) -> None:
    document = json.loads((require_shared("eurostat") / DETAILED).read_text())
    ids = document["id"]
    flagged = {(c["geo"], int(c["time"]), c["reason"], c["apprehen"]): s for key, (_v, s) in
               expected_cells(document).items() if s for c in [dict(zip(ids, key, strict=True))]}  # fmt: skip
    found = query(real_eipre.published_db, "select geo, year, reason_code, apprehension_code, flag from "
                  "staging.stg_eurostat_eipre__observations where source_file like '%' || ? and flag is not null",
                  [DETAILED])  # fmt: skip
    assert {r[:4]: r[4] for r in found} == flagged and set(flagged.values()) == {"b", "d"}
    assert query(real_eipre.published_db, "select count(*) from curated.eurostat_eipre_revisions") == [(0,)]
    assert query(real_eipre.published_db, "select flag_label from staging.stg_eurostat_eipre__observations "
                 "where flag = 'b' limit 1") == [("break in time series",)]  # fmt: skip
