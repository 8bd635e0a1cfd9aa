"""Graph tests on GLOTIP alone: a single release (the 2023 layout, with sub-regional aggregates) builds, with an
empty revision table; a broken newer release fails the build loudly, leaves the published database as it was,
and is set aside so that the next build uses the good release again."""

from __future__ import annotations

from pipelines.defs.unodc_glotip.stage import choose_releases
from pipelines.lib.raw_store import list_snapshots
from pipelines.lib.warehouse import Warehouse
from tests.build_helpers import build, query
from tests.test_trafficking_pipeline import land_eurostat_fixtures
from tests.test_unodc_glotip_read import glotip_xlsx, land_glotip


def test_single_release_then_a_broken_one(paths, tmp_path) -> None:  # noqa: ANN001
    good = land_glotip(paths, glotip_xlsx(tmp_path, "release_2023.csv"))
    land_eurostat_fixtures(paths)
    ok, report = build(paths)
    assert ok, report.failures
    assert query(paths.published_db, "select count(*) from curated.glotip_revisions") == [(0,)]
    assert query(paths.working_db, "select count(*) from raw.unodc_glotip__data_glotip_previous") == [(0,)]
    assert "curated/glotip_revisions:non_empty_unique_key" in {
        c["check"] for c in report.checks if c["outcome"] == "passed"
    }
    # the aggregate rows (an area code, no country) are kept apart from the country rows
    assert query(paths.published_db, "select area_code, year, value from staging.stg_unodc_glotip__subregion_values "
                                     "order by 1, 2") == [("CAS", 2021, None), ("SAF", 2020, 2870), ("SAF", 2021, 2911)]  # fmt: skip
    assert query(paths.published_db, "select count(*) from staging.stg_unodc_glotip__country_values "
                                     "where country_iso3 in ('SAF', 'CAS')") == [(0,)]  # fmt: skip
    assert query(paths.published_db, "select geo_level, count(*) from curated.thb_victims where source = 'unodc_glotip' "
                                     "group by 1 order by 1") == [("country", 8), ("region", 3)]  # fmt: skip
    published = paths.published_db.read_bytes()

    def break_it(rows: list) -> None:
        rows[1][0] = "01/12/2026"
        rows[7][11] = "see note"

    broken = land_glotip(paths, glotip_xlsx(tmp_path / "later", "release_2025.csv", break_it))
    assert broken.provenance["published"] == "2026-12-01"
    ok, report = build(paths)
    assert not ok
    assert any(
        "row 8" in f and "'txtVALUE'" in f and "see note" in f and broken.name in f for f in report.failures
    )
    assert paths.published_db.read_bytes() == published
    status = {
        s.name: s.provenance["status"]
        for s in list_snapshots(paths.raw_dir, "unodc_glotip", include_rejected=True)
    }
    assert status == {good.name: "accepted", broken.name: "rejected"}
    current, previous = choose_releases(Warehouse(data_dir=str(paths.data_dir)))
    assert (current.name, previous) == (good.name, None)
