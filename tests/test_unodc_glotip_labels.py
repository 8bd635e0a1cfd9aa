"""GLOTIP citizenship and repatriation labels to ISO3: the reviewed override file, then the country-name library."""

from __future__ import annotations

import csv

import pycountry
import pytest

from pipelines.defs.unodc_glotip import labels
from tests.conftest import require_shared


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Botzwana", ("BWA", "override")),
        ("GUINEA ECUATORIAL", ("GNQ", "override")),  # the library alone would read Guinea
        ("RDC", ("COD", "library")),
        ("Nigerians", ("NGA", "library")),
        ("Nigerin", ("NER", "library")),
        ("Nationals", (None, "nationals")),
        ("Congolese", (None, "ambiguous")),
        ("Q6.1_2s_2021", (None, "not_a_country")),
        ("", (None, "not_a_country")),
        ("Atlantean", (None, "unmapped")),
    ],
)
def test_labels_map(label: str, expected: tuple) -> None:
    assert labels.map_label(label) == expected


def test_override_file_is_well_formed() -> None:
    with labels.OVERRIDES.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["label"] for r in rows] == list(labels.overrides())  # no label listed twice
    known = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    assert all(r["iso3"] in known for r in rows if r["kind"] == "country")
    assert all(r["note"] for r in rows if r["kind"] != "country")


def test_mapping_table_has_one_row_per_label() -> None:
    table = labels.mapping_table(["Nationals", "Nationals", "Romanian", "Atlantean"])
    assert table.to_dict("records") == [
        {"label": "Atlantean", "iso3": None, "mapping": "unmapped"},
        {"label": "Nationals", "iso3": None, "mapping": "nationals"},
        {"label": "Romanian", "iso3": "ROU", "mapping": "library"},
    ]


@pytest.mark.integration
def test_every_label_in_the_real_snapshots_is_mapped_or_listed() -> None:
    from python_calamine import CalamineWorkbook

    seen: set[str] = set()
    for file in sorted(require_shared("glotip").glob("*.xlsx")):
        rows = CalamineWorkbook.from_path(str(file)).get_sheet_by_name("data_glotip_1").to_python()
        dimension, category = rows[2].index("Dimension"), rows[2].index("Category")
        seen |= {str(r[category]).strip() for r in rows[3:] if r[dimension] in labels.MAPPED_DIMENSIONS}
    unmapped = sorted(label for label in seen if labels.map_label(label)[1] == "unmapped")
    assert len(seen) > 700
    assert unmapped == []
