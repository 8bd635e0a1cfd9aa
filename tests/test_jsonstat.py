"""The JSON-stat 2.0 reader: sparse objects and arrays give the same cells, flags stay per value, labels and
the dataset's version are read from the response, malformed responses are refused naming file and path.
Expected cells are computed here with numpy's own row-major unravelling."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipelines.lib import jsonstat
from pipelines.lib.tabular import SourceFormatError
from tests.conftest import FIXTURES

EIPRE = FIXTURES / "eurostat_eipre"


def expected_cells(document: dict) -> dict[tuple[str, ...], tuple[str, str]]:
    """{dimension codes: (value text, status)} by numpy.unravel_index over `size`."""
    ids, sizes = document["id"], document["size"]
    codes = {d: sorted(document["dimension"][d]["category"]["index"],
                       key=document["dimension"][d]["category"]["index"].get) for d in ids}  # fmt: skip
    values, statuses = document["value"], document.get("status") or {}
    if isinstance(values, list):
        values = {str(i): v for i, v in enumerate(values) if v is not None}
        statuses = {str(i): s for i, s in enumerate(statuses) if s is not None}
    found = {}
    for key in set(values) | set(statuses):
        position = np.unravel_index(int(key), sizes)
        cell = values.get(key)
        found[tuple(codes[d][int(p)] for d, p in zip(ids, position, strict=True))] = (
            "" if cell is None else str(cell),
            statuses.get(key, ""),
        )
    return found


def cells_of(frame, ids: list[str]) -> dict[tuple[str, ...], tuple[str, str]]:  # noqa: ANN001
    return {tuple(r[d] for d in ids): (r["value"], r["status"]) for r in frame.to_dict("records")}


@pytest.mark.parametrize("name", ["eipre_by_reason_apprehension.json", "eipre_dense.json"])
def test_cells_flags_and_description(name: str) -> None:
    document = json.loads((EIPRE / name).read_text())
    frame, info = jsonstat.read(EIPRE / name, "test")
    assert cells_of(frame, document["id"]) == expected_cells(document)
    assert (info.dataset, info.structure_version, info.updated) == (
        "MIGR_EIPRE",
        "54.0",
        "2025-03-14T11:00:00+0100",
    )
    assert str(info.updated_date()) == "2025-03-14"
    assert info.status_labels["b"] == "break in time series"
    assert info.category_labels["reason"]["ENTRY_NLEG"] == "Illegal entry"
    flagged = frame[frame["status"] == ":"].iloc[0]
    assert flagged["value"] == "" and flagged["_source_path"].startswith("status[")


def test_sparse_and_dense_forms_agree() -> None:
    sparse, _ = jsonstat.read(EIPRE / "eipre_by_reason_apprehension.json", "test")
    dense, _ = jsonstat.read(EIPRE / "eipre_dense.json", "test")
    columns = [c for c in sparse.columns if c != jsonstat.PATH]
    assert sparse[columns].to_dict("records") == dense[columns].to_dict("records")


def test_one_status_for_every_cell_and_list_index() -> None:
    document = json.loads((EIPRE / "eipre_totals_later.json").read_text())
    document["status"] = "p"
    document["dimension"]["time"]["category"]["index"] = ["2019", "2020", "2021", "2022"]
    frame, _ = jsonstat.parse(document, "test", "x.json")
    assert set(frame["status"]) == {"p"} and len(frame) == np_total(document)


def np_total(document: dict) -> int:
    return int(np.prod(document["size"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version="1.0"), "not 2.0"),
        (lambda d: d.update({"class": "collection"}), "not a JSON-stat dataset"),
        (lambda d: d["size"].append(2), "same length"),
        (lambda d: d["value"].update({"99999": 1}), "99999.* is not a position"),
        (lambda d: d["value"].update({"0": "12,5"}), "not a number|is not"),
        (lambda d: d["dimension"]["geo"]["category"]["index"].pop("MT"), "size says"),
    ],
)
def test_malformed_responses_are_refused(change, message: str) -> None:  # noqa: ANN001
    document = json.loads((EIPRE / "eipre_totals_later.json").read_text())
    change(document)
    with pytest.raises(SourceFormatError, match=message) as error:
        frame, _ = jsonstat.parse(document, "eurostat_eipre", "bad.json")
        from pipelines.defs.eurostat_eipre.read import validate_cells

        validate_cells(frame, "bad.json")
    assert "bad.json" in str(error.value)
