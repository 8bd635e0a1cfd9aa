"""Graph tests: GLOTIP (two releases) and Eurostat fixtures through the whole asset graph into a temporary data
directory; expected figures are computed from the fixture files, not from the pipeline's code."""

from __future__ import annotations

import csv
import os
from collections import defaultdict

import dagster as dg
import pytest

from pipelines.defs.eurostat_thb.source import SOURCE as EUROSTAT
from pipelines.lib import raw_store
from pipelines.runner import run_build
from pipelines.settings import resolve_paths
from tests.build_helpers import query
from tests.conftest import FIXTURES
from tests.test_unodc_glotip_read import GLOTIP_FIXTURES, glotip_xlsx, land_glotip

# Eurostat's published EU totals (EU27_2020), from the issue and ../shared/data/README.md.
EU_PUBLISHED = {
    ("registered victims", 2022): 10093,
    ("persons suspected", 2022): 8064,
    ("persons convicted", 2022): 2097,
    ("registered victims", 2021): 7155,
    ("persons convicted", 2021): 2517,
}
EU_FORMS_2022 = {"SEX_EXP": 4014, "LAB_EXP": 3990, "OTH": 1699}


def fixture_keys(name: str) -> dict[tuple, set[str]]:
    """Independent of the pipeline: each key of a fixture release and the set of its values (commas removed)."""
    values: dict[tuple, set[str]] = defaultdict(set)
    with (GLOTIP_FIXTURES / name).open(newline="", encoding="utf-8") as handle:
        for row in list(csv.reader(handle))[3:]:
            area = row[0] or row[1]
            values[(area, row[4], row[5], row[6], row[7], row[8], int(row[9]))].add(row[11].replace(",", ""))
    return values


def land_eurostat_fixtures(paths) -> None:  # noqa: ANN001
    for name in ("crim_thb_vctz", "crim_thb_vexp", "crim_thb_sex"):
        raw_store.land(paths.raw_dir, EUROSTAT, FIXTURES / "eurostat_thb" / f"{name}.csv", arrival="import")


@pytest.fixture(scope="module")
def built(tmp_path_factory):  # noqa: ANN001, ANN201
    """Both releases (the newer one imported first: the release date decides) and the Eurostat fixtures, built
    once with a persistent Dagster instance so that materialisation metadata can be read back."""
    root = tmp_path_factory.mktemp("trafficking")
    paths = resolve_paths(root / "data", root / "reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MIGRATION_DATA_DIR", str(paths.data_dir))
        patch.setenv("MIGRATION_REPORTS_DIR", str(paths.reports_dir))
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        land_glotip(paths, glotip_xlsx(root, "release_2025.csv"))
        land_glotip(paths, glotip_xlsx(root, "release_2023.csv"))
        land_eurostat_fixtures(paths)
        ok, report = run_build(paths, static_images=False)
        assert ok, report.failures
        instance = dg.DagsterInstance.from_config(os.environ["DAGSTER_HOME"])
        yield paths, report, instance


def metadata(instance: dg.DagsterInstance, *key: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(list(key)))
    return {name: value.value for name, value in event.asset_materialization.metadata.items()}


def check_metadata(instance: dg.DagsterInstance, key: tuple[str, str], check: str) -> dict:
    record = instance.get_latest_asset_check_evaluation_record(
        dg.AssetCheckKey(dg.AssetKey(list(key)), check)
    )
    evaluation = record.event.dagster_event.event_specific_data
    return {"passed": evaluation.passed, **{n: v.value for n, v in evaluation.metadata.items()}}


def test_the_release_date_picks_the_current_release(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    used = query(paths.published_db, "select raw_table, published::varchar, rows from curated.source_snapshots "
                                     "where source = 'unodc_glotip' order by 1")  # fmt: skip
    assert used == [
        ("raw.unodc_glotip__data_glotip", "2025-04-14", 33),
        ("raw.unodc_glotip__data_glotip_previous", "2023-05-30", 13),
    ]
    assert {r[0] for r in query(paths.published_db, "select entity from curated.source_snapshots where source = 'eurostat_thb'")} == {
        "crim_thb_vctz", "crim_thb_vexp", "crim_thb_sex"}  # fmt: skip


def test_duplicates_conflicts_and_suppression_are_counted(built) -> None:  # noqa: ANN001
    _, _, instance = built
    records = metadata(instance, "staging", "stg_unodc_glotip__records")
    assert records["rows_current_release"] == 33 and records["rows_previous_release"] == 13
    assert records["exact_duplicates_removed"] == 2
    assert records["conflicting_keys"] == 1 and records["rows_in_conflicting_keys"] == 3
    assert records["code_artefacts_set_null"] == 1
    assert records["unmapped_category_labels"] == ["Atlantean"]
    values = metadata(instance, "staging", "stg_unodc_glotip__country_values")
    assert values["rows_by_value_status"]["conflicting"] == 1


def test_country_values_keep_the_publisher_quirks(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    rows = {
        (r[0], r[1], r[2], r[3]): r[4:]
        for r in query(
            paths.published_db,
            "select country, dimension, coalesce(category, ''), year, value, value_status, is_suppressed, "
            "suppressed_below, published_values, category_iso3 from staging.stg_unodc_glotip__country_values "
            "where sex = 'Total' and age = 'Total' and (indicator = 'detected victims' or category like 'Q6%')",
        )
    }
    assert rows[("Italy", "total", "Total", 2022)][:2] == (1480, "published")
    assert rows[("Italy", "form of exploitation", "Other forms of exploitation", 2022)][:4] == (
        None,
        "suppressed",
        True,
        5,
    )
    assert rows[("Albania", "form of exploitation", "Other forms of exploitation", 2021)][:2] == (
        None,
        "conflicting",
    )
    assert sorted(rows[("Albania", "form of exploitation", "Other forms of exploitation", 2021)][4]) == [
        "27",
        "5",
        "<5",
    ]
    assert rows[("Italy", "citizenship", "Nationals", 2022)][5] == "ITA"  # resolved to the reporting country
    assert rows[("Italy", "citizenship", "Botzwana", 2022)][5] == "BWA"
    assert rows[("Italy", "citizenship", "Atlantean", 2022)][5] is None
    assert rows[("Nigeria", "citizenship", "Q6.1_2s_2021", 2021)][:2] == (None, "not a count")
    assert rows[("Sark", "total", "Total", 2021)][1] == "suppressed"


def test_suppressed_values_stay_suppressed_in_curated(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    keys = fixture_keys("release_2025.csv")
    expected = sum(1 for values in keys.values() if values == {"<5"})
    got = query(paths.published_db, "select count(*), count(value), count(*) filter (where value = 0) from curated.thb_victims "
                                    "where source = 'unodc_glotip' and is_suppressed")  # fmt: skip
    assert got == [(expected, 0, 0)]
    flags = query(paths.published_db, "select distinct flag, suppressed_below from curated.thb_victims "
                                      "where source = 'unodc_glotip' and is_suppressed")  # fmt: skip
    assert flags == [("<5", 5)]


def test_eurostat_eu_totals_are_the_published_figures(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    got = dict(
        ((indicator, year), value)
        for indicator, year, value in query(
            paths.published_db,
            "select indicator, year, value from curated.thb_victims where source = 'eurostat_thb' "
            "and dataset = 'crim_thb_sex' and geo_code = 'EU27_2020' and sex = 'Total' and value is not null",
        )
    )
    assert {k: got[k] for k in EU_PUBLISHED} == EU_PUBLISHED
    forms = dict(query(paths.published_db, "select category, value from curated.thb_victims where dataset = 'crim_thb_vexp' "
                                           "and geo_code = 'EU27_2020' and year = 2022"))  # fmt: skip
    assert {k: forms[k] for k in EU_FORMS_2022} == EU_FORMS_2022
    assert query(paths.published_db, "select geo_level, country_iso3 from curated.thb_victims where geo_code in ('EU27_2020', 'EL') "
                                     "group by all order by 1") == [("aggregate", None), ("country", "GRC")]  # fmt: skip
    assert query(
        paths.published_db,
        "select geo_code, value, value_status, is_suppressed, flag, conf_status from curated.thb_victims "
        "where source = 'eurostat_thb' and value is null order by geo_code, dataset",
    ) == [
        ("DE", None, "confidential", True, "c", "C"),
        ("EL", None, "not available", False, None, None),
        ("EU27_2020", None, "not available", False, None, None),
        ("IT", None, "not available", False, None, None),
        ("MT", None, "confidential", True, "c", "C"),
    ]


def test_the_two_definitions_are_never_mixed(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    rows = query(paths.published_db, "select source, indicator, count(distinct definition) from curated.thb_victims "
                                     "where indicator like '%victims' group by all order by 1")  # fmt: skip
    assert rows == [("eurostat_thb", "registered victims", 1), ("unodc_glotip", "detected victims", 1)]
    shared = query(
        paths.published_db,
        "select definition from curated.thb_victims group by 1 having count(distinct source) > 1",
    )
    assert shared == []


def test_revisions_match_an_independent_comparison(built) -> None:  # noqa: ANN001
    paths, _, instance = built
    old, new = fixture_keys("release_2023.csv"), fixture_keys("release_2025.csv")
    expected = {
        "changed": sum(1 for k in old.keys() & new.keys() if old[k] != new[k]),
        "added": len(new.keys() - old.keys()),
        "removed": len(old.keys() - new.keys()),
    }
    got = dict(query(paths.published_db, "select change, count(*) from curated.glotip_revisions group by 1"))
    assert got == expected
    assert query(
        paths.published_db,
        "select change, previous_value_published, current_value_published, difference from curated.glotip_revisions "
        "where area_code = 'ITA' and dimension = 'total' and sex = 'Total' and year in (2020, 2021) order by year",
    ) == [("removed", "530", None, None), ("changed", "598", "612", 14)]
    revisions = metadata(instance, "curated", "glotip_revisions")
    assert revisions["values_changed"] == expected["changed"] and revisions["single_release"] is False


def test_warnings_surface_the_publisher_inconsistencies(built) -> None:  # noqa: ANN001
    _, report, instance = built
    outcomes = {c["check"].split(":")[1]: c["outcome"] for c in report.checks}
    assert outcomes["national_totals_consistent"] == "FAILED (warn)"
    assert outcomes["citizenship_labels_mapped"] == "FAILED (warn)"
    assert outcomes["gx_records_suite"] == outcomes["gx_country_values_suite"] == "passed"
    totals = check_metadata(
        instance, ("staging", "stg_unodc_glotip__country_values"), "national_totals_consistent"
    )
    assert "Germany, detected victims, 2022: total '<5', sex breakdown adds up to 1,212" in totals["listed"]
    labels = check_metadata(instance, ("staging", "stg_unodc_glotip__records"), "citizenship_labels_mapped")
    assert labels["unmapped_labels"] == ["Atlantean"]


def test_charts_and_documentation_are_published(built) -> None:  # noqa: ANN001
    paths, _, _ = built
    for chart in ("italy_detected_victims_by_form", "eu_registered_victims_by_citizenship"):
        folder = paths.charts_dir / chart
        assert {p.suffix for p in folder.iterdir()} >= {".html", ".csv", ".txt"}
        assert "SAMPLE" not in (folder / f"{chart}.caption.txt").read_text()
    italy = (
        paths.charts_dir / "italy_detected_victims_by_form" / "italy_detected_victims_by_form.csv"
    ).read_text()
    assert "2022,Other forms of exploitation,,suppressed,<5," in italy
    caption = (
        paths.charts_dir / "italy_detected_victims_by_form" / "italy_detected_victims_by_form.caption.txt"
    ).read_text()
    assert "data_glotip.xlsx" in caption and "published 2025-04-14" in caption and "2023-05-30" not in caption
    comments = dict(query(paths.published_db, "select table_name, comment from duckdb_tables() where schema_name = 'curated' "
                                              "and table_name in ('thb_victims', 'glotip_revisions')"))  # fmt: skip
    assert comments["thb_victims"].startswith("One row per") and "never add" in comments["thb_victims"]
    assert comments["glotip_revisions"].startswith("One row per")
    assert (paths.curated_dir / "parquet" / "thb_victims.parquet").is_file()
