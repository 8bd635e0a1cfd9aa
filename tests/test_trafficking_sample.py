"""The trafficking sample: deterministic, in the real layouts, with the published totals, labelled SAMPLE."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.sample import eurostat_thb, unodc_glotip
from tests.build_helpers import query
from tests.test_trafficking_pipeline import EU_FORMS_2022, EU_PUBLISHED

ITALY_PUBLISHED = {2019: 966, 2020: 813, 2021: 757, 2022: 2146}
SAMPLE = "SAMPLE DATA — synthetic, not for citation"


def test_samples_are_deterministic() -> None:
    assert unodc_glotip.workbook("2025") == unodc_glotip.workbook("2025")
    assert eurostat_thb.sample_csv("crim_thb_vctz") == eurostat_thb.sample_csv("crim_thb_vctz")


def test_glotip_sample_has_the_real_layout_and_italy_totals(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    file = tmp_path / "data_glotip.xlsx"
    file.write_bytes(unodc_glotip.workbook("2025"))
    rows = CalamineWorkbook.from_path(str(file)).get_sheet_by_name("data_glotip_1").to_python()
    assert rows[0][0] == "UNODC" and rows[1][0] == "14/04/2025" and rows[2] == unodc_glotip.HEADER
    italy = {
        int(r[9]): int(str(r[11]).replace(",", ""))
        for r in rows[3:]
        if r[0] == "ITA" and r[4] == "Detected trafficking victims" and r[5:9] == ["Total"] * 4
    }
    assert {y: italy[y] for y in ITALY_PUBLISHED} == ITALY_PUBLISHED
    assert any(r[11] == "2,146" for r in rows) and any(r[11] == "<5" for r in rows)


def test_eurostat_sample_carries_the_published_eu_totals() -> None:
    def eu(dataset: str, dimension: str) -> dict:
        text = eurostat_thb.sample_csv(dataset).decode("utf-8")
        return {(r[dimension], int(r["TIME_PERIOD"])): int(r["OBS_VALUE"]) for r in csv.DictReader(io.StringIO(text))
                if r["geo"] == "EU27_2020"}  # fmt: skip

    statuses = eu("crim_thb_sex", "leg_stat")
    names = {"registered victims": "VICT", "persons suspected": "PER_SUSP", "persons convicted": "PER_CNV"}
    assert {k: statuses[(names[k[0]], k[1])] for k in EU_PUBLISHED} == EU_PUBLISHED
    forms = eu("crim_thb_vexp", "expl")
    assert {code: forms[(code, 2022)] for code in EU_FORMS_2022} == EU_FORMS_2022
    assert eu("crim_thb_vctz", "citizen")[("TOTAL", 2021)] == 7155


def test_sample_build_is_labelled_and_reproduces_the_published_totals(
    sample_everything_built, tmp_path
) -> None:  # noqa: ANN001
    landed = unodc_glotip.write(tmp_path / "raw") + eurostat_thb.write(tmp_path / "raw")
    assert all(s.sample and s.provenance["arrival"] == "sample" for s in landed)
    paths = sample_everything_built[0]  # `migration-evidence sample` + `build --offline`, as `make demo`
    labels = query(paths.published_db, "select distinct data_label from curated.source_snapshots "
                                        "where source in ('unodc_glotip', 'eurostat_thb')")  # fmt: skip
    assert labels == [(SAMPLE,)]
    italy = dict(query(paths.published_db, "select year, value from curated.thb_victims where source = 'unodc_glotip' "
                                           "and country_iso3 = 'ITA' and indicator = 'detected victims' "
                                           "and dimension = 'total' and sex = 'Total' and age = 'Total'"))  # fmt: skip
    assert {y: italy[y] for y in ITALY_PUBLISHED} == ITALY_PUBLISHED
    assert query(paths.published_db, "select count(*) > 0 from curated.glotip_revisions") == [(True,)]
    for chart in ("italy_detected_victims_by_form", "eu_registered_victims_by_citizenship"):
        folder = paths.charts_dir / chart
        assert SAMPLE in (folder / f"{chart}.html").read_text()
        assert (folder / f"{chart}.caption.txt").read_text().startswith(SAMPLE)
