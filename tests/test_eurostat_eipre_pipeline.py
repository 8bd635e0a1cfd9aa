"""Graph tests on Eurostat migr_eipre: two responses of different vintage and breadth combine per observation
(the newest vintage having it), whichever is imported first; flags stay attached; revisions are listed. Expected
values are computed here from the fixture JSON with numpy (tests/test_jsonstat.expected_cells)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipelines.defs.eurostat_eipre.source import SOURCE
from pipelines.lib import raw_store
from pipelines.settings import resolve_paths
from tests.build_helpers import build, query
from tests.test_jsonstat import EIPRE, expected_cells

DETAILED, LATER = "eipre_by_reason_apprehension.json", "eipre_totals_later.json"
ACCESSED = {DETAILED: dt.date(2025, 3, 20), LATER: dt.date(2025, 9, 5)}


def totals(name: str) -> dict[tuple[str, int], tuple[int | None, str | None]]:
    """{(geo, year): (value, flag)} of the TOTAL / TOTAL cells of a fixture."""
    document = json.loads((EIPRE / name).read_text())
    ids = document["id"]
    found = {}
    for key, (value, status) in expected_cells(document).items():
        cell = dict(zip(ids, key, strict=True))
        if cell["reason"] == "TOTAL" and cell["apprehen"] == "TOTAL":
            found[(cell["geo"], int(cell["time"]))] = (int(value) if value else None, status or None)
    return found


@pytest.mark.parametrize("later_first", [False, True])
def test_responses_combine_per_observation_and_revisions_are_listed(
    paths, tmp_path, later_first: bool
) -> None:  # noqa: ANN001
    names = [LATER, DETAILED] if later_first else [DETAILED, LATER]
    for name in names:
        raw_store.land(paths.raw_dir, SOURCE, EIPRE / name, arrival="import", accessed=ACCESSED[name])
    ok, report = build(paths)
    assert ok, report.failures
    expected = totals(LATER)  # newer vintage: every total comes from it
    found = query(paths.published_db, "select geo, year, found_illegally_present, flag, source_file "
                  "from curated.illegally_present_yearly")  # fmt: skip
    assert {(g, y): (v, f) for g, y, v, f, _ in found} == expected
    assert all(file.endswith(LATER) for *_, file in found)
    assert expected[("IT", 2022)][1] == "p"
    # cells only the detailed response has stay, from it; a flag without a value is null, never 0
    rows = query(paths.published_db, "select value, flag, value_status, is_preferred, source_file from "
                 "staging.stg_eurostat_eipre__observations where geo = 'MT' and year = 2021 and "
                 "apprehension_code = 'INL'")  # fmt: skip
    assert rows == [(None, "c", "confidential", True, rows[0][4])] and rows[0][4].endswith(DETAILED)
    revisions = query(paths.published_db, "select geo, year, change, difference, earlier_flag, later_flag from "
                      "curated.eurostat_eipre_revisions order by 1, 2")  # fmt: skip
    earlier = totals(DETAILED)
    changed = sorted((g, y) for (g, y), cell in expected.items() if earlier.get((g, y)) != cell)
    assert [(g, y) for g, y, *_ in revisions] == changed
    assert ("IT", 2022, "value changed", 40, None, "p") in revisions
    assert ("EL", 2020, "flag changed", 0, "b", None) in revisions
    outcomes = {c["check"]: c["outcome"] for c in report.checks}
    assert outcomes["staging/stg_eurostat_eipre__observations:gx_observations_suite"] == "passed"
    assert outcomes["staging/stg_eurostat_eipre__observations:known_codes"] == "passed"


def test_a_response_of_another_dataset_is_not_stored(tmp_path) -> None:  # noqa: ANN001
    document = json.loads((EIPRE / LATER).read_text())
    document["extension"]["id"] = "MIGR_EIORD"
    file = tmp_path / "other.json"
    file.write_text(json.dumps(document))
    paths = resolve_paths(tmp_path / "data", tmp_path / "reports")
    with pytest.raises(raw_store.RawStoreError, match="MIGR_EIORD"):
        raw_store.land(paths.raw_dir, SOURCE, file, arrival="import")
