"""A generic SDMX-CSV reader: the dimensions are whatever columns the file names between `LAST UPDATE` and
`TIME_PERIOD`; attributes (OBS_FLAG, and CONF_STATUS when present) follow OBS_VALUE. Every cell stays text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.defs.eurostat_thb import config
from pipelines.defs.eurostat_thb.source import LAST_UPDATE, NAME
from pipelines.lib.counts import CountFormat, reason
from pipelines.lib.raw_store import Snapshot
from pipelines.lib.tabular import ROW_COLUMN, SourceFormatError, read_csv_strict, refuse_cells

SOURCE = NAME
REQUIRED = ("DATAFLOW", "LAST UPDATE", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG")
KNOWN_ATTRIBUTES = ("OBS_FLAG", "CONF_STATUS")
MISSING_VALUES = ("", ":")
# OBS_VALUE as Eurostat writes counts: digits, possibly with a zero fraction ("12.0"); matched as written.
COUNT_FORMAT = CountFormat(zero_fraction=True)
YEAR = re.compile(r"(19|20)[0-9][0-9]")


@dataclass(frozen=True)
class Layout:
    dimensions: tuple[str, ...]
    attributes: tuple[str, ...]

    def describe(self) -> str:
        """Recorded with the snapshot (meta.snapshots_used.layout); staging reads the dimensions back from it."""
        return f"sdmx-csv; dimensions: {','.join(self.dimensions)}; attributes: {','.join(self.attributes)}"

    @staticmethod
    def parse(text: str) -> Layout:
        parts = dict(p.split(": ", 1) for p in text.split("; ")[1:])
        return Layout(
            tuple(parts["dimensions"].split(",")), tuple(filter(None, parts["attributes"].split(",")))
        )


def layout_of(headers: list[str], file: str) -> Layout:
    """Dimensions and attributes as the header names them; refuses a header that is not SDMX-CSV."""
    present = [h for h in headers if h != ROW_COLUMN]
    missing = [c for c in REQUIRED if c not in present]
    repeated = sorted({h for h in present if present.count(h) > 1})
    if missing or repeated:
        raise SourceFormatError(
            SOURCE,
            file,
            f"is not Eurostat SDMX-CSV: missing column(s) {missing}, repeated column(s) {repeated} "
            f"(header: {', '.join(present)})",
            row=1,
        )
    start, period, value = (present.index(c) for c in ("LAST UPDATE", "TIME_PERIOD", "OBS_VALUE"))
    dimensions = tuple(present[start + 1 : period])
    if "geo" not in dimensions or value != period + 1 or present.index("DATAFLOW") > start:
        raise SourceFormatError(
            SOURCE,
            file,
            "columns are not in SDMX-CSV order (DATAFLOW, LAST UPDATE, dimensions including geo, TIME_PERIOD, "
            f"OBS_VALUE, attributes); header: {', '.join(present)}",
            row=1,
        )
    return Layout(dimensions, tuple(present[value + 1 :]))


def from_jsonstat(snapshot: Snapshot) -> pd.DataFrame:
    """A JSON-stat 2.0 response of the statistics API (the same datasets, the other wire format) in the SDMX-CSV
    columns staging reads: DATAFLOW from extension.id and version (ESTAT:CRIM_THB_VCTZ(1.0)), LAST UPDATE from
    `updated`, one column per dimension, TIME_PERIOD, OBS_VALUE, OBS_FLAG from `status`. `_source_row` is the
    value's flat index in the response (value["12"] is 12), `_source_path` its JSON path."""
    from pipelines.lib import jsonstat

    cells, info = jsonstat.read(snapshot.path, SOURCE, snapshot.name)
    if "time" not in info.dimensions:
        raise SourceFormatError(
            SOURCE, snapshot.name, f"JSON-stat response has no 'time' dimension ({info.dimensions})"
        )
    updated = info.updated_date()
    stamp = dt.datetime.strptime(info.updated, "%Y-%m-%dT%H:%M:%S%z") if updated else None
    dimensions = [d for d in info.dimensions if d != "time"]
    frame = pd.DataFrame({
        "DATAFLOW": f"ESTAT:{(info.dataset or '').upper()}({info.version or '1.0'})",
        "LAST UPDATE": stamp.strftime("%d/%m/%y %H:%M:%S") if stamp else (info.updated or ""),
        **{d: cells[d] for d in dimensions},
        "TIME_PERIOD": cells["time"], "OBS_VALUE": cells[jsonstat.VALUE], "OBS_FLAG": cells[jsonstat.STATUS],
    }, dtype="string")  # fmt: skip
    frame[ROW_COLUMN] = cells[jsonstat.PATH].str.extract(r"\[\"(\d+)\"\]")[0].astype("int64")
    frame[jsonstat.PATH] = cells[jsonstat.PATH]
    return frame


def read_snapshot(snapshot: Snapshot) -> tuple[pd.DataFrame, Layout]:
    if snapshot.provenance.get("media_type") == "json":
        frame = from_jsonstat(snapshot)
        layout = layout_of([c for c in frame.columns if c != "_source_path"], snapshot.name)
        if frame.empty:
            raise SourceFormatError(SOURCE, snapshot.name, "has no observations")
        return frame, Layout(layout.dimensions, layout.attributes)
    frame = read_csv_strict(snapshot.path, SOURCE, display_name=snapshot.name)
    layout = layout_of(list(frame.columns), snapshot.name)
    if frame.empty:
        raise SourceFormatError(SOURCE, snapshot.name, "has a header but no observations")
    return frame, layout


def validate_cells(frame: pd.DataFrame, layout: Layout, dataset: str, file: str) -> dict[str, int]:
    """Raises on the first cell staging cannot parse, a dataflow other than the snapshot's dataset, an unknown
    dimension that splits the figures, or a repeated observation; returns counts of what was checked."""
    expected = config.datasets()[dataset].dataflow.upper()
    flows = frame["DATAFLOW"].fillna("").str.strip()
    refuse_cells(
        SOURCE,
        frame,
        flows.str.split("(").str[0].str.upper() != expected,
        file,
        "DATAFLOW",
        f"is not {expected}",
    )
    updates = frame["LAST UPDATE"].fillna("").str.strip()
    refuse_cells(
        SOURCE,
        frame,
        ~updates.str.fullmatch(LAST_UPDATE.pattern),
        file,
        "LAST UPDATE",
        "is not dd/mm/yy hh:mm:ss",
    )
    periods = frame["TIME_PERIOD"].fillna("").str.strip()
    refuse_cells(SOURCE, frame, ~periods.str.fullmatch(YEAR.pattern), file, "TIME_PERIOD", "is not a year")
    values = frame["OBS_VALUE"].fillna("")
    counts = ~values.isin(MISSING_VALUES) & ~COUNT_FORMAT.matches(values)
    why = f" ({reason(values[counts.idxmax()], COUNT_FORMAT)})" if counts.any() else ""
    refuse_cells(SOURCE, frame, counts, file, "OBS_VALUE", f"is not a count, ':' or empty{why}")
    for dimension in layout.dimensions:
        distinct = sorted(frame[dimension].dropna().unique())
        if dimension not in config.roles() and len(distinct) > 1:
            raise SourceFormatError(
                SOURCE,
                file,
                f"dimension {dimension!r} takes several values ({distinct[:5]}) but has no role in "
                "pipelines/defs/eurostat_thb/datasets.toml; add it there",
                row=1,
                column=dimension,
            )
    repeated = frame.duplicated([*layout.dimensions, "TIME_PERIOD"], keep="first")
    refuse_cells(
        SOURCE,
        frame,
        repeated,
        file,
        "TIME_PERIOD",
        "repeats an observation already given for the same dimensions",
    )
    return {"observations": len(frame), "missing_values": int(values.isin(MISSING_VALUES).sum())}
