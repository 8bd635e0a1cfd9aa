"""Integration: both real GLOTIP releases in ../shared/data/glotip go through `migration-evidence import`
and `build --offline` with every other real snapshot (the shared real build); every expected figure is computed here from the workbooks with
python-calamine, independently of the pipeline's code."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from pipelines.defs.unodc_glotip import labels
from tests.build_helpers import query
from tests.conftest import require_shared
from tests.test_trafficking_pipeline import check_metadata, metadata

pytestmark = pytest.mark.integration

NEW, OLD = "data_glotip_2025-04-14.xlsx", "data_glotip_2023-05-30.xlsx"
ITALY_PUBLISHED = {
    2019: 966,
    2020: 813,
    2021: 757,
    2022: 2146,
}  # UNODC, as listed in ../shared/data/README.md
CODE_ARTEFACT = r"61\d{1,2}(19|20)\d\d"


@cache
def sheet(name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(require_shared("glotip") / name)).get_sheet_by_name("data_glotip_1")
    return rows.to_python()


def areas_without_country(rows: list[list]) -> set[str]:
    named = {r[0] for r in rows[3:] if r[1]}
    return {r[0] for r in rows[3:] if not r[1]} - named


def text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) else str(value).strip()


def keyed(rows: list[list]) -> dict[tuple, set[str]]:
    """Key (area, indicator, dimension, category, sex, age, year, unit) -> its distinct values, commas removed,
    after dropping exact duplicate rows."""
    found: dict[tuple, set[str]] = defaultdict(set)
    for row in {tuple(text(c) for c in r) for r in rows[3:]}:
        found[(row[0] or row[1], *row[4:11])].add(row[11].replace(",", ""))
    return found


@pytest.fixture(scope="module")
def built(real_everything, real_everything_instance):  # noqa: ANN001, ANN201
    """The shared real build (tests/conftest.py), which imports both releases, and its Dagster instance."""
    return real_everything, real_everything_instance


def test_italy_reference_figures_reproduce(built) -> None:  # noqa: ANN001
    paths, _ = built
    expected = {
        int(r[9]): int(text(r[11]).replace(",", ""))
        for r in sheet(NEW)[3:]
        if r[0] == "ITA" and r[4] == "Detected trafficking victims" and r[5:9] == ["Total"] * 4
    }
    assert {y: expected[y] for y in ITALY_PUBLISHED} == ITALY_PUBLISHED
    got = dict(query(paths.published_db, "select year, value from curated.thb_victims where source = 'unodc_glotip' "
                                         "and country_iso3 = 'ITA' and indicator = 'detected victims' "
                                         "and dimension = 'total' and sex = 'Total' and age = 'Total'"))  # fmt: skip
    assert got == expected


def test_both_releases_load_every_row(built) -> None:  # noqa: ANN001
    _, instance = built
    records = metadata(instance, "staging", "stg_unodc_glotip__records")
    assert records["rows_current_release"] == len(sheet(NEW)) - 3
    assert records["rows_previous_release"] == len(sheet(OLD)) - 3
    rows = sheet(NEW)[3:]
    assert records["exact_duplicates_removed"] == len(rows) - len({tuple(text(c) for c in r) for r in rows})
    conflicting = sum(1 for values in keyed(sheet(NEW)).values() if len(values) > 1)
    assert records["conflicting_keys"] == conflicting


def test_suppressed_values_stay_suppressed_end_to_end(built) -> None:  # noqa: ANN001
    paths, _ = built
    keys = keyed(sheet(NEW))
    expected = sum(1 for values in keys.values() if values == {"<5"})
    italy = sum(1 for key, values in keys.items() if key[0] == "ITA" and values == {"<5"})
    got = query(paths.published_db, "select count(*), count(*) filter (where geo_code = 'ITA'), count(value) "
                                     "from curated.thb_victims where source = 'unodc_glotip' and is_suppressed")  # fmt: skip
    assert got == [(expected, italy, 0)]


def test_revision_table_matches_an_independent_comparison(built) -> None:  # noqa: ANN001
    import re

    paths, _ = built

    def comparable(rows: list[list]) -> dict[tuple, set[str]]:
        return {
            k: {v for v in vs if not re.fullmatch(CODE_ARTEFACT, v)} or vs for k, vs in keyed(rows).items()
        }

    old, new = comparable(sheet(OLD)), comparable(sheet(NEW))
    expected = {
        "added": len(new.keys() - old.keys()),
        "removed": len(old.keys() - new.keys()),
        "changed": sum(1 for k in old.keys() & new.keys() if old[k] != new[k]),
    }
    assert (
        dict(query(paths.published_db, "select change, count(*) from curated.glotip_revisions group by 1"))
        == expected
    )
    aggregate_areas = areas_without_country(sheet(OLD))
    aggregates = sum(1 for k in old.keys() - new.keys() if k[0] in aggregate_areas)
    removed = query(
        paths.published_db,
        "select count(*) from curated.glotip_revisions where change = 'removed' and is_aggregate",
    )
    assert removed == [(aggregates,)]


def test_every_unmapped_label_is_listed_in_the_metadata(built) -> None:  # noqa: ANN001
    import csv
    import re

    from country_converter import country_converter

    _, instance = built
    with open(country_converter.COUNTRY_DATA_FILE, newline="", encoding="utf-8") as handle:
        patterns = [
            re.compile(r["regex"], re.I) for r in csv.DictReader(handle, delimiter="\t") if not r["obsolete"]
        ]
    with labels.OVERRIDES.open(newline="", encoding="utf-8") as handle:
        listed = {row["label"] for row in csv.DictReader(handle)}
    rows = sheet(NEW)[3:]
    seen = {text(r[6]) for r in rows if r[5] in ("by citizenship", "by country of repatriation")}
    expected = sorted(s for s in seen if s not in listed and sum(1 for p in patterns if p.search(s)) != 1)
    assert metadata(instance, "staging", "stg_unodc_glotip__records")["unmapped_category_labels"] == expected
    check = check_metadata(instance, ("staging", "stg_unodc_glotip__records"), "citizenship_labels_mapped")
    assert check["unmapped_labels"] == expected and check["passed"] is (not expected)


def test_germany_2022_total_is_reported_with_the_numbers(built) -> None:  # noqa: ANN001
    _, instance = built
    rows = [r for r in sheet(NEW)[3:] if r[0] == "DEU" and r[9] == 2022 and r[4] == "Detected trafficking victims"
            and r[5] == "Total" and r[8] == "Total"]  # fmt: skip
    total = next(text(r[11]) for r in rows if r[7] == "Total")
    by_sex = sum(int(text(r[11]).replace(",", "")) for r in rows if r[7] != "Total" and text(r[11]) != "<5")
    check = check_metadata(
        instance, ("staging", "stg_unodc_glotip__country_values"), "national_totals_consistent"
    )
    assert check["passed"] is False
    assert (
        f"Germany, detected victims, 2022: total {total!r}, sex breakdown adds up to {by_sex:,}"
        in check["listed"]
    )


def test_subregional_aggregates_of_the_2023_release_are_kept_apart(built) -> None:  # noqa: ANN001
    paths, _ = built
    aggregate_areas = areas_without_country(sheet(OLD))
    expected = sum(1 for k in keyed(sheet(OLD)) if k[0] in aggregate_areas)
    got = query(paths.published_db, "select count(*), count(distinct area_code) from staging.stg_unodc_glotip__records "
                                    "where release = 'previous' and is_aggregate and is_key_first_row")  # fmt: skip
    assert got == [(expected, len(aggregate_areas))]
    assert query(paths.published_db, "select count(*) from curated.thb_victims where geo_level = 'country' "
                                     "and country_name is null") == [(0,)]  # fmt: skip
