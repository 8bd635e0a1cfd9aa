"""UNHCR portal responses: both time-series shapes, origin lists, addresses, codes, and the staging tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.defs.unhcr_odp import config, read
from pipelines.defs.unhcr_odp.source import SOURCE
from pipelines.lib import raw_store
from pipelines.lib.tabular import SourceFormatError
from tests.build_helpers import build, query
from tests.conftest import FIXTURES

HERE = FIXTURES / "unhcr_odp"
ITALY = "https://data.unhcr.org/population/get/timeseries?geo_id=656&sv_id=100&population_group=4797&frequency=month"
JORDAN = "https://data.unhcr.org/population/get/timeseries?geo_id=36&sv_id=4&frequency=day"
ORIGIN = "https://data.unhcr.org/population/get/origin?geo_id=656&sv_id=11&population_collection=28"


def test_plain_monthly_shape() -> None:
    frame, shape = read.read_response(HERE / "italy_sea_monthly.json", "x.json", ITALY)
    assert shape == "plain" and len(frame) == 6
    assert frame.loc[0, "_source_path"] == "data.timeseries[0]"
    assert list(frame["individuals"])[:3] == ["1000", "2000", "3000"]
    assert set(frame["geo_id"]) == {"656"} and set(frame["population_group"]) == {"4797"}


def test_wrapped_shape_reads_the_current_series() -> None:
    frame, shape = read.read_response(HERE / "wrapped_daily.json", "w.json", JORDAN)
    assert shape == "wrapped" and len(frame) == 2  # series "1", not the single point of series "0"
    assert (
        frame.loc[0, "_source_path"] == "1.data.timeseries[0]" and frame.loc[0, "data_date"] == "2012-01-19"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"data": {"series": []}}', "has no data.timeseries"),
        ('{"data": {"timeseries": []}}', "is empty"),
        ('{"data": {"timeseries": [{"year": 2014, "individuals": 3}]}}', r"lacks \['month'\]|lacks"),
        ('{"data": {"timeseries": [1, 2]}}', "is not an object"),
        ('{"data": {"timeseries": [{"month": 1, "year": 2014, "individuals": 3}]', "not valid JSON"),
        ("[1, 2, 3]", "has no data.timeseries"),
    ],
)
def test_wrong_shapes_fail_naming_the_file(tmp_path: Path, body: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(body)
    with pytest.raises(SourceFormatError, match=message) as error:
        read.read_response(bad, "bad.json", ITALY)
    assert "unhcr_odp: bad.json" in str(error.value)


def test_origin_address_with_a_time_series_body_is_refused() -> None:
    with pytest.raises(SourceFormatError, match="stands for an origin address"):
        read.read_response(HERE / "italy_sea_monthly.json", "x.json", ORIGIN)


def test_addresses_name_the_series() -> None:
    assert read.entity_for(ITALY) == "timeseries_geo656_group4797_month_sv100"
    old_host = ITALY.replace("data.unhcr.org", "data2.unhcr.org") + "&fromDate=2014-01-01"
    assert read.entity_for(old_host) == read.entity_for(ITALY)
    with pytest.raises(ValueError, match="no geo_id"):
        read.describe_address("https://data.unhcr.org/population/get/timeseries?sv_id=100")
    with pytest.raises(ValueError, match="not a UNHCR portal API address"):
        read.describe_address("https://example.org/population/get/timeseries?geo_id=656")


def test_configured_series_are_api_addresses() -> None:
    urls = [config.series_url(row) for row in config.series()]
    assert urls[0] == (
        "https://data.unhcr.org/population/get/timeseries?widget_id=690058&geo_id=656&sv_id=100"
        "&population_group=4797&frequency=month&fromDate=2014-01-01"
    )
    assert len({read.entity_for(u) for u in urls}) == len(urls)
    assert [d.url for d in SOURCE.download_list()] == urls


def test_import_needs_the_address(paths) -> None:  # noqa: ANN001
    with pytest.raises(raw_store.RawStoreError, match="--url API_ADDRESS"):
        raw_store.land(paths.raw_dir, SOURCE, HERE / "italy_sea_monthly.json", arrival="import")
    assert main(["import", "unhcr_odp", str(HERE / "italy_sea_monthly.json")]) == 1
    assert main(["import", "unhcr_odp", str(HERE / "italy_sea_monthly.json"), "--url", ITALY]) == 0
    (snapshot,) = raw_store.list_snapshots(paths.raw_dir, "unhcr_odp")
    assert snapshot.provenance["stands_for"] == ITALY and snapshot.provenance["download_url"] == ITALY
    assert snapshot.provenance["entity"] == "timeseries_geo656_group4797_month_sv100"


def test_import_manifest_and_build(paths) -> None:  # noqa: ANN001
    assert (
        main(["import", "unhcr_odp", "--manifest", str(HERE / "manifest.json"), "--accessed", "2019-12-31"])
        == 0
    )
    newer = "https://data.unhcr.org/population/get/timeseries?geo_id=656&sv_id=100&population_group=4797&frequency=month&fromDate=2019-01-01"
    assert main(["import", "unhcr_odp", str(HERE / "italy_sea_monthly_newer.json"), "--url", newer,
                 "--accessed", "2020-06-30"]) == 0  # fmt: skip
    ok, report = build(paths, selection="group:unhcr_odp")
    assert ok, report.failures
    rows = query(paths.working_db, "select period_start::varchar, arrivals, is_preferred from staging.stg_unhcr_odp__arrivals "
                                   "where country_iso3 = 'ITA' and year = 2019 order by 1, 3")  # fmt: skip
    # February 2019 is in both snapshots: the newer one is preferred, the older kept for comparison
    assert rows == [("2019-01-01", 202, True), ("2019-02-01", 60, False), ("2019-02-01", 65, True),
                    ("2019-03-01", 262, True)]  # fmt: skip
    codes = dict(
        query(
            paths.working_db,
            "select origin_code, nationality_iso3 from staging.stg_unhcr_odp__arrivals_by_nationality",
        )
    )
    assert codes == {"NIG": "NGA", "ARE": "EGY", "ICO": "CIV", "SDN": "SDN", "OTH": None, "XYZ": None}
    unknown = query(
        paths.working_db,
        "select kwargs from meta.validation_results where check_name = 'known_origin_codes' and level = 'expectation'",
    )
    assert len(unknown) == 1 and "XYZ (Nowhere)" in unknown[0][0]
    assert any(
        c["check"].endswith("known_origin_codes") and c["outcome"].startswith("FAILED (warn")
        for c in report.checks
    )


def test_text_in_a_count_fails_with_file_and_json_path(paths, tmp_path) -> None:  # noqa: ANN001
    body = json.loads((HERE / "italy_sea_monthly.json").read_text())
    body["data"]["timeseries"][2]["individuals"] = "3,000 approx."
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(body))
    assert main(["import", "unhcr_odp", str(bad), "--url", ITALY]) == 0
    ok, report = build(paths, selection="group:unhcr_odp")
    assert not ok
    assert any(
        "bad.json" in f and "data.timeseries[2].individuals is '3,000 approx.'" in f for f in report.failures
    )


def test_a_short_newer_extract_of_a_series_never_blanks_out_the_rest(paths, tmp_path) -> None:  # noqa: ANN001
    """Two saved responses of the same series (same address): the full history, then a newer extract of two
    months. Both are read; the newer is preferred where both have the month, the older keeps the months only it
    has, whichever was imported first."""
    full = json.loads((HERE / "italy_sea_monthly.json").read_text())
    extract = tmp_path / "italy_extract.json"
    extract.write_text(json.dumps({**full, "data": {**full["data"], "timeseries": [
        {"month": 2, "year": 2019, "individuals": 65}, {"month": 3, "year": 2019, "individuals": 262}]}}))  # fmt: skip
    assert main(["import", "unhcr_odp", str(extract), "--url", ITALY, "--accessed", "2019-04-30"]) == 0
    assert main(["import", "unhcr_odp", str(HERE / "italy_sea_monthly.json"), "--url", ITALY,
                 "--accessed", "2019-03-01"]) == 0  # fmt: skip
    ok, report = build(
        paths, selection='key:"raw/unhcr_odp__timeseries" or key:"staging/stg_unhcr_odp__arrivals"'
    )
    assert ok, report.failures
    preferred = dict(query(paths.working_db, "select period_start::varchar, arrivals from staging.stg_unhcr_odp__arrivals "
                                              "where country_iso3 = 'ITA' and is_preferred"))  # fmt: skip
    expected = {f"{p['year']}-{p['month']:02d}-01": p["individuals"] for p in full["data"]["timeseries"]}
    expected.update({"2019-02-01": 65, "2019-03-01": 262})
    assert preferred == expected
