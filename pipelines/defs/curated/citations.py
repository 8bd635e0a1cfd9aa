"""How a key figure or a chart cites its sources: the publisher, the publication date (and what it rests on),
the last date the data cover and the access date, from curated.source_snapshots."""

from __future__ import annotations

import pandas as pd


def _day(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def _newest(group: pd.DataFrame, column: str) -> str | None:
    if column not in group.columns:
        return None
    days = [d for d in (_day(v) for v in group[column]) if d]
    return max(days) if days else None


def _published(group: pd.DataFrame) -> str:
    """'published 2025-04-14 (release date in row 2 of sheet …)', or that the files state no date."""
    if "published" not in group.columns or group["published"].isna().all():
        return "no publication date stated"
    dated = group[group["published"].notna()].copy()
    dated["_day"] = [_day(v) for v in dated["published"]]
    row = dated.sort_values("_day").iloc[-1]
    basis = row.get("published_basis")
    basis = basis if isinstance(basis, str) and basis else "as the publisher states it"
    return f"published {row['_day']} ({basis})"


def _rows(snapshots: pd.DataFrame, sources: list[str], files: list[str] | None) -> pd.DataFrame:
    rows = snapshots[snapshots["source"].isin(sources)]
    if files is not None:
        rows = rows[rows["file"].isin(files)]
    return rows


def cite(snapshots: pd.DataFrame, sources: list[str], *, files: list[str] | None = None) -> str:
    """One citation per publisher citation of `sources` (optionally only the stored `files` a figure comes
    from): "<citation> (<publisher>), published <date> (<basis>), data cover to <date>, accessed <date>".
    Where several files share a citation, the newest publication, last covered and access dates are given; a
    file without a recorded coverage says so rather than borrow another date."""
    rows = _rows(snapshots, sources, files)
    parts = []
    for citation, group in rows.groupby("citation", sort=True):
        producers = sorted({p for p in group.get("producer", pd.Series(dtype=str)).dropna() if p})
        who = f" ({', '.join(producers)})" if producers and all(p not in citation for p in producers) else ""
        covered = _newest(group, "data_covers_to")
        parts.append(
            f"{citation}{who}, {_published(group)}, "
            + (f"data cover to {covered}" if covered else "last date covered not recorded")
            + f", accessed {_newest(group, 'accessed')}"
        )
    return "; ".join(parts) or "source not loaded in this build"


def data_covered(snapshots: pd.DataFrame, sources: list[str], *, files: list[str] | None = None) -> str:
    """For captions that name dates: "data cover <first> to <last>" per source (the span of its files in use),
    e.g. "IOM Missing Migrants Project data cover 2014-01-01 to 2025-04-29"; empty when nothing is recorded."""
    rows = _rows(snapshots, sources, files)
    parts = []
    for source, group in rows.groupby("source", sort=True):
        first = [d for d in (_day(v) for v in group.get("data_covers_from", [])) if d]
        last = [d for d in (_day(v) for v in group.get("data_covers_to", [])) if d]
        if not last:
            continue
        producer = next((p for p in group.get("producer", pd.Series(dtype=str)).dropna() if p), source)
        parts.append(f"{producer} data cover {min(first) if first else '?'} to {max(last)}")
    return "; ".join(parts)


def snapshots_in_use(con, where: str = "true") -> pd.DataFrame:  # noqa: ANN001
    """curated.source_snapshots (rows matching `where`) less the Missing Migrants files that feed no month of the
    published figures (curated.mmp_vintages.months_fed = 0: every month they cover is covered by a newer or
    fuller file): a chart or key figure cites the files its numbers come from, not every file the build read."""
    has_vintages = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'curated' and table_name = 'mmp_vintages' "
        "and database_name = current_database()"
    ).fetchall()[0][0]
    unused = (
        "and not (source = 'iom_mmp' and file in "
        "(select source_file from curated.mmp_vintages where months_fed = 0))"
        if has_vintages
        else ""
    )
    return con.execute(f"select * from curated.source_snapshots where ({where}) {unused}").df()


def mmp_files_for_year(con, year: int) -> list[str]:  # noqa: ANN001
    """The Missing Migrants files that feed the months of `year` (curated.mmp_coverage_monthly)."""
    rows = con.execute(
        "select distinct source_file from curated.mmp_coverage_monthly where year(month) = ? "
        "and source_file is not null order by 1",
        [year],
    ).fetchall()
    return [r[0] for r in rows]
