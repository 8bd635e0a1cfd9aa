"""Synthetic Eurostat migr_eipre responses in the statistics API's JSON-stat 2.0 shape (sparse `value` and
`status` objects keyed by the flat index, labels in `dimension.<id>.category.label`, flag labels and the
dataset's structure version in `extension`, `updated`): a response by reason and place of apprehension and a
later, narrower one of totals only.

Italy's totals follow Eurostat's published figures for 2010-2022 (46,955 … 138,420, as listed with the shared
real responses); every other number is invented. Seeded, so the bytes are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import tempfile
from pathlib import Path

from pipelines.lib import raw_store

ITALY = {2010: 46955, 2011: 29505, 2012: 29345, 2013: 23945, 2014: 25300, 2015: 27305, 2016: 32365, 2017: 36230,
         2018: 26780, 2019: 26885, 2020: 22785, 2021: 92070, 2022: 138420}  # fmt: skip
GEOS = {
    "EU27_2020": "European Union - 27 countries (from 2020)",
    "EL": "Greece",
    "IT": "Italy",
    "MT": "Malta",
}
REASONS = {"TOTAL": "Total", "ENTRY_NLEG": "Illegal entry", "OSTAY": "Overstay", "OTH": "Other reason"}
PLACES = {"TOTAL": "Total", "BRD_EXT": "In the external border area", "INL": "In the inland area"}
FLAG_LABELS = {"d": "definition differs (see metadata)", "b": "break in time series", "p": "provisional"}
DIMENSION_LABELS = {"freq": "Time frequency", "reason": "Reason", "apprehen": "Place of apprehension",
                    "citizen": "Country of citizenship", "sex": "Sex", "age": "Age class", "unit": "Unit of measure",
                    "geo": "Geopolitical entity (reporting)", "time": "Time"}  # fmt: skip
FIXED = {"freq": {"A": "Annual"}, "citizen": {"TOTAL": "Total"}, "sex": {"T": "Total"}, "age": {"TOTAL": "Total"},
         "unit": {"PER": "Person"}}  # fmt: skip
SEED = 20260512


def response(
    categories: dict[str, dict[str, str]],
    values: dict[tuple[str, ...], int | None],
    flags: dict[tuple[str, ...], str],
    updated: str,
    *,
    dense: bool = False,
    dataset: str = "MIGR_EIPRE",
    label: str = "Third country nationals found to be illegally present - annual data (rounded)",
    structure_version: str = "54.0",
) -> dict:
    """A JSON-stat 2.0 dataset with the dimensions in `categories` (in order), cells keyed by their codes in that
    order; sparse objects keyed by the flat index (row-major), or arrays when `dense`."""
    ids = list(categories)
    sizes = [len(categories[d]) for d in ids]
    positions = {d: {c: i for i, c in enumerate(categories[d])} for d in ids}

    def flat(key: tuple[str, ...]) -> int:
        index = 0
        for d, code in zip(ids, key, strict=True):
            index = index * len(categories[d]) + positions[d][code]
        return index

    value = {
        str(flat(k)): v for k, v in values.items() if v is not None
    }  # Eurostat leaves a flag-only cell out
    status = {str(flat(k)): f for k, f in flags.items()}
    if dense:
        total = math.prod(sizes)
        value = [value.get(str(i)) for i in range(total)]
        status = [status.get(str(i)) for i in range(total)]
    return {
        "version": "2.0", "class": "dataset",
        "label": label,
        "source": "ESTAT", "updated": updated, "value": value, "status": status, "id": ids, "size": sizes,
        "dimension": {d: {"label": DIMENSION_LABELS.get(d, d), "category": {
            "index": {c: i for i, c in enumerate(categories[d])}, "label": dict(categories[d])}} for d in ids},
        "extension": {"lang": "EN", "id": dataset, "agencyId": "ESTAT", "version": "1.0",
                      "datastructure": {"id": dataset, "agencyId": "ESTAT", "version": structure_version},
                      "annotation": [{"type": "UPDATE_DATA", "date": updated}],
                      "status": {"label": FLAG_LABELS},
                      "positions-with-no-data": {d: [] for d in ids}},
    }  # fmt: skip


def categories(reasons: dict[str, str], places: dict[str, str], years: range) -> dict[str, dict[str, str]]:
    return {"freq": FIXED["freq"], "reason": reasons, "apprehen": places, "citizen": FIXED["citizen"],
            "sex": FIXED["sex"], "age": FIXED["age"], "unit": FIXED["unit"], "geo": GEOS,
            "time": {str(y): str(y) for y in years}}  # fmt: skip


def _totals(rng: random.Random) -> dict[tuple[str, int], int]:
    found = {}
    for year, italy in ITALY.items():
        greece, malta = int(italy * rng.uniform(1.5, 3)), int(italy * rng.uniform(0.01, 0.05))
        found |= {("IT", year): italy, ("EL", year): greece, ("MT", year): malta}
        found[("EU27_2020", year)] = italy + greece + malta + int(italy * rng.uniform(5, 8))
    return {k: 5 * round(v / 5) if k[0] != "IT" else v for k, v in found.items()}


def _key(geo: str, year: int, reason: str = "TOTAL", place: str = "TOTAL") -> tuple[str, ...]:
    return ("A", reason, place, "TOTAL", "T", "TOTAL", "PER", geo, str(year))


def documents() -> dict[str, dict]:
    """{file name: response} of the sample: by reason and place (updated 2026-05-12), then totals (2026-08-18)."""
    rng = random.Random(SEED)
    totals = _totals(rng)
    detailed: dict[tuple[str, ...], int | None] = {}
    for (geo, year), total in totals.items():
        detailed[_key(geo, year)] = total
        entry = 5 * round(total * rng.uniform(0.3, 0.6) / 5)
        detailed[_key(geo, year, "ENTRY_NLEG")] = entry
        detailed[_key(geo, year, "OSTAY")] = 5 * round((total - entry) * 0.5 / 5)
        detailed[_key(geo, year, "OTH")] = total - entry - detailed[_key(geo, year, "OSTAY")]
        detailed[_key(geo, year, "TOTAL", "INL")] = 5 * round(total * rng.uniform(0.4, 0.7) / 5)
    flags = {_key("EU27_2020", y): "d" for y in (2010, 2011, 2012)} | {_key("EL", 2014): "b"}
    flags[_key("MT", 2022, "OSTAY")] = ":"
    detailed[_key("MT", 2022, "OSTAY")] = None
    years = range(2010, 2023)
    first = response(categories(REASONS, PLACES, years), detailed, flags, "2026-05-12T11:00:00+0200")
    later = {k: v for k, v in detailed.items() if k[1] == "TOTAL" and k[2] == "TOTAL"}
    later[_key("MT", 2022)] = later[_key("MT", 2022)] + 5  # a revision in the later response
    later_flags = {k: f for k, f in flags.items() if k in later} | {_key("IT", 2022): "p"}
    second = response(categories({"TOTAL": "Total"}, {"TOTAL": "Total"}, years), later, later_flags,
                      "2026-08-18T11:00:00+0200")  # fmt: skip
    return {"migr_eipre_by_reason_apprehension.json": first, "migr_eipre_totals.json": second}


def write(raw_dir: Path) -> list[raw_store.Snapshot]:
    from pipelines.defs.eurostat_eipre.source import SOURCE

    landed = []
    with tempfile.TemporaryDirectory() as scratch:
        for (name, document), accessed in zip(documents().items(), (dt.date(2026, 5, 20), dt.date(2026, 8, 18)),
                                              strict=True):  # fmt: skip
            file = Path(scratch) / name
            file.write_text(json.dumps(document, ensure_ascii=False))
            landed.append(
                raw_store.land(raw_dir, SOURCE, file, arrival="sample", accessed=accessed, sample=True)
            )
    return landed
