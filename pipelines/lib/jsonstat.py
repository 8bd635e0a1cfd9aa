"""A strict reader of JSON-stat 2.0 dataset responses (Eurostat's statistics API serves every dataset so):
one row per published cell, every value and flag kept as text, with the labels and the dataset's version.

Why not a library: pyjstat (last release 2023) turns a response into a dense DataFrame and drops `status`
(the per-value flags b, d, p, e, c, ':') and `extension` (dataset id, data-structure version), which this
project must keep per value; jsonstat.py has not been released since 2017. The format itself is small: `value`
and `status` are arrays or objects keyed by the flat index over `id`/`size` in row-major order (the last
dimension varies fastest), `status` may also be one string for every cell; category `index` is an array or an
object {code: position}. Everything else is refused with an error naming the file and the JSON path.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.lib.tabular import SourceFormatError

VALUE, STATUS, PATH = "value", "status", "_source_path"


@dataclass(frozen=True)
class JsonStat:
    """What a response says about itself, besides its cells."""

    dataset: str | None  # extension.id, e.g. MIGR_EIPRE
    label: str | None
    updated: str | None  # as published, e.g. 2026-05-12T11:00:00+0200
    structure_version: str | None  # extension.datastructure.version
    version: str | None  # extension.version: the dataflow's version (ESTAT:MIGR_EIPRE(1.0))
    dimensions: tuple[str, ...]
    sizes: tuple[int, ...]
    dimension_labels: dict[str, str] = field(default_factory=dict)
    category_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    status_labels: dict[str, str] = field(default_factory=dict)

    def updated_date(self) -> dt.date | None:
        try:
            return dt.datetime.strptime(self.updated, "%Y-%m-%dT%H:%M:%S%z").date() if self.updated else None
        except ValueError:
            try:
                return dt.date.fromisoformat(self.updated[:10])
            except ValueError:
                return None

    def labels_frame(self) -> pd.DataFrame:
        """(dimension, code, label) for every category the response labels."""
        rows = [(d, c, lab) for d, labels in self.category_labels.items() for c, lab in labels.items()]
        return pd.DataFrame(rows, columns=["dimension", "code", "label"]).astype("string")


def _fail(source: str, file: str, message: str) -> SourceFormatError:
    return SourceFormatError(source, file, message)


def _codes(source: str, file: str, dimension: str, spec: object, size: int) -> list[str]:
    """The category codes of a dimension in position order."""
    category = spec.get("category") if isinstance(spec, dict) else None
    if not isinstance(category, dict):
        raise _fail(source, file, f"dimension.{dimension} has no category object")
    index = category.get("index")
    if index is None and isinstance(category.get("label"), dict) and len(category["label"]) == 1:
        index = list(category["label"])  # a single category may come without an index
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        positions = sorted((int(p), str(c)) for c, p in index.items())
        if [p for p, _ in positions] != list(range(len(positions))):
            raise _fail(source, file, f"dimension.{dimension}.category.index positions are not 0 .. n-1")
        codes = [c for _, c in positions]
    else:
        raise _fail(source, file, f"dimension.{dimension}.category.index is neither an array nor an object")
    if len(codes) != size:
        raise _fail(source, file, f"dimension.{dimension} has {len(codes)} categories but size says {size}")
    return codes


def _cells(source: str, file: str, name: str, data: object, total: int) -> dict[int, object]:
    """{flat index: cell} of `value` or `status` (array, object keyed by index, or one string for all)."""
    if data is None:
        return {}
    if isinstance(data, str) and name == STATUS:
        return dict.fromkeys(range(total), data)
    if isinstance(data, list):
        if len(data) != total:
            raise _fail(
                source, file, f"{name} is an array of {len(data)} cells, not {total} (the product of size)"
            )
        return {i: v for i, v in enumerate(data) if v is not None}
    if isinstance(data, dict):
        found = {}
        for key, cell in data.items():
            if not str(key).isdigit() or int(key) >= total:
                raise _fail(source, file, f"{name}[{key!r}] is not a position below {total}")
            found[int(key)] = cell
        return found
    raise _fail(source, file, f"{name} is neither an array nor an object")


def _text(source: str, file: str, where: str, cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise _fail(source, file, f"{where} is {cell!r}, not a number")
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise _fail(source, file, f"{where} is {cell!r}, not a finite number")
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell)


def parse(document: object, source: str, file: str) -> tuple[pd.DataFrame, JsonStat]:
    """One row per position that has a value or a status: one column per dimension (the category code), `value`
    and `status` as text ('' when absent), `_source_path` (`value["4600"]`, or `status[...]` for a flag
    without a value)."""
    if not isinstance(document, dict) or document.get("class") != "dataset":
        raise _fail(source, file, 'is not a JSON-stat dataset (no "class": "dataset")')
    if str(document.get("version", "")) != "2.0":
        raise _fail(source, file, f"is JSON-stat version {document.get('version')!r}, not 2.0")
    ids, sizes = document.get("id"), document.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes) or not ids:
        raise _fail(source, file, "id and size are not two arrays of the same length")
    if not all(isinstance(s, int) and s > 0 for s in sizes) or len(set(ids)) != len(ids):
        raise _fail(source, file, f"size {sizes} or id {ids} is not valid")
    dimensions = document.get("dimension") or {}
    codes = {d: _codes(source, file, str(d), dimensions.get(d), s) for d, s in zip(ids, sizes, strict=True)}
    total = math.prod(sizes)
    values = _cells(source, file, VALUE, document.get(VALUE), total)
    statuses = _cells(source, file, STATUS, document.get(STATUS), total)
    positions = sorted(values.keys() | statuses.keys())
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    columns: dict[str, list[str]] = {str(d): [] for d in ids}
    value_text, status_text, paths = [], [], []
    for position in positions:
        for d, stride, size in zip(ids, strides, sizes, strict=True):
            columns[str(d)].append(codes[d][(position // stride) % size])
        where = f'{VALUE}["{position}"]' if position in values else f'{STATUS}["{position}"]'
        value_text.append(_text(source, file, where, values.get(position)))
        status_text.append("" if statuses.get(position) is None else str(statuses[position]))
        paths.append(where)
    frame = pd.DataFrame({**columns, VALUE: value_text, STATUS: status_text, PATH: paths}, dtype="string")
    extension = document.get("extension") or {}
    structure = extension.get("datastructure") or {}
    info = JsonStat(
        dataset=extension.get("id"),
        label=document.get("label"),
        updated=document.get("updated"),
        structure_version=structure.get("version"),
        version=extension.get("version"),
        dimensions=tuple(str(d) for d in ids),
        sizes=tuple(sizes),
        dimension_labels={str(d): str((dimensions[d] or {}).get("label") or d) for d in ids},
        category_labels={
            str(d): {str(c): str(lab) for c, lab in (dimensions[d]["category"].get("label") or {}).items()}
            for d in ids
        },  # fmt: skip
        status_labels={
            str(k): str(v) for k, v in ((extension.get("status") or {}).get("label") or {}).items()
        },
    )
    return frame, info


def read(path: Path, source: str, display_name: str | None = None) -> tuple[pd.DataFrame, JsonStat]:
    name = display_name or path.name
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(source, name, f"is not valid JSON ({exc})") from None
    return parse(document, source, name)


def head_info(path: Path) -> JsonStat | None:
    """The response's own description (dataset id, update time), or None when it is not JSON-stat."""
    try:
        return read(path, "jsonstat")[1]
    except (SourceFormatError, OSError):
        return None
