"""Trafficking figure logic on small frames: what is plotted is exactly the data handed in."""

from __future__ import annotations

import pandas as pd

from pipelines.defs.curated import trafficking_figures as tf
from pipelines.defs.curated.figures import SAMPLE_LABEL

BASE = {"geo_level": "country", "sex": "Total", "age": "Total", "source_file": "f", "dataset": "data_glotip"}


def victims() -> pd.DataFrame:
    rows = []
    for year, total, forms in [(2021, 757, (300, 250, None)), (2022, 2146, (600, 450, 97))]:
        rows.append({**BASE, "source": "unodc_glotip", "country_iso3": "ITA", "indicator": "detected victims",
                     "dimension": "total", "category": "Total", "year": year, "value": total,
                     "value_status": "published", "value_published": f"{total:,}", "source_row": year})  # fmt: skip
        for form, value in zip(tf.FORMS, forms, strict=True):
            rows.append({**BASE, "source": "unodc_glotip", "country_iso3": "ITA", "indicator": "detected victims",
                         "dimension": "form of exploitation", "category": form, "year": year, "value": value,
                         "value_status": "published" if value else "suppressed",
                         "value_published": str(value) if value else "<5", "source_row": year})  # fmt: skip
    rows.append({**rows[0], "country_iso3": "DEU", "value": 5})
    rows.append({**rows[0], "source": "eurostat_thb", "indicator": "registered victims", "value": 1})
    for code, label, value in [("TOTAL", "Total", 10093), ("NAT", "Citizens of the reporting country", 4100),
                               ("NEU27_2020_FOR", "Non-EU citizens", 5993)]:  # fmt: skip
        for geo in ("EU27_2020", "EU28"):
            rows.append({**BASE, "source": "eurostat_thb", "dataset": "crim_thb_vctz", "geo_level": "aggregate",
                         "geo_code": geo, "country_iso3": None, "indicator": "registered victims",
                         "dimension": "citizenship", "category": code, "category_label": label, "year": 2022,
                         "value": value if geo == "EU27_2020" else 1, "value_status": "published",
                         "value_published": str(value), "source_row": 1})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype("Int64")
    return frame


def test_italy_data_keeps_only_italy_glotip_forms_and_total() -> None:
    data = tf.italy_forms_data(victims())
    assert len(data) == 8
    assert list(data.loc[data["year"] == 2021, "series"]) == [*tf.FORMS, tf.TOTAL_NAME]
    suppressed = data[data["value_status"] == "suppressed"]
    assert len(suppressed) == 1 and pd.isna(suppressed["value"].iloc[0])


def test_italy_figure_draws_suppressed_values_as_gaps() -> None:
    figure = tf.build_italy_forms(tf.italy_forms_data(victims()))
    bars = {trace.name: trace for trace in figure.data}
    assert list(bars["Other forms of exploitation"].y) == [None, 97.0]
    assert list(bars["Other forms of exploitation"].customdata) == ["<5", "97"]
    assert list(bars[tf.TOTAL_NAME].y) == [757.0, 2146.0]
    assert figure.layout.barmode == "stack" and "SAMPLE" not in figure.layout.title.text
    assert all(bars[f].marker.pattern.fillmode == "overlay" for f in tf.FORMS)
    assert tf.build_italy_forms(tf.italy_forms_data(victims()), sample=True).layout.title.text.startswith(
        SAMPLE_LABEL
    )


def test_eu_figure_uses_one_eu_aggregate_and_stacks_the_groups() -> None:
    data = tf.eu_citizenship_data(victims())
    assert set(data["geo_code"]) == {"EU27_2020"}
    figure = tf.build_eu_citizenship(data)
    names = [trace.name for trace in figure.data]
    assert names == ["Citizens of the reporting country", "Non-EU citizens", "All registered victims"]
    assert sum(trace.y[0] for trace in figure.data[:2]) == figure.data[2].y[0] == 10093
