"""Vintage plausibility of a source whose snapshots combine by coverage (Missing Migrants, Frontex, Eurostat,
UNHCR): each snapshot is compared with the nearest older one over what both cover, and a new snapshot beyond a
stated limit is not published (a blocking check; `migration-evidence accept` is the override).

A source describes its snapshots as cells (`CELLS` SQL over its staging table) with the columns
- `source_file`: the stored file; `r`: its rank, 1 the newest (the one that takes precedence);
- `scope`, `p`: what a snapshot covers — a period `p` within a scope (one scope for a source whose snapshots
  cover months of everything, e.g. a Frontex workbook; the series itself for one whose snapshots are queries of
  some series, e.g. a Eurostat response or a UNHCR time series);
- `k`, `v`: a cell's key within the scope and its value (null: not reported);
- `n`: the records behind the cell (1 for a table of cells; incidents for Missing Migrants).

Over the (scope, period) both snapshots cover, three figures are compared with their limits:
records (the newer has at least `records_ratio_min` of the older's), values that vanish (the share of the
older's total in cells with a value before and none now, at most `vanished_max`) and how far the totals of the
cells both give move (at most `totals_change_max`). A pair whose newer snapshot the published database was
already built from is reported with the same words but does not block: it was judged when it arrived.

A source whose staging keeps only the snapshot in use (Eurostat crim_thb: the newest file of each dataset) compares
it with the one the published database was built from: its cells read both (`published_table`)."""

from __future__ import annotations

import dagster as dg

from pipelines.lib.checks import Check, accepted_by_hand, judged, recorded_check
from pipelines.lib.sql import attached, has_table

# A new snapshot beyond any of these limits, against the one before it over what both cover, is not published: the
# check blocks, the file is marked rejected with the comparison, and `migration-evidence accept SOURCE FILE` is
# the override once someone has looked at it. Measured on the real snapshots (the data README's), the largest
# revisions between neighbouring vintages are 7.3 % for the Missing Migrants monthly totals (2020 → 2021
# exports), 0.0 % for Frontex (2018 → 2025 workbooks) and for Eurostat migr_eipre; no vintage lost records.
LIMITS = {
    "records_ratio_min": 0.8,  # records in what both cover: at least 80 % of the older snapshot's
    "vanished_max": 0.05,  # at most 5 % of the older snapshot's total in cells that have no value now
    "totals_change_max": 0.25,  # the totals of the cells both give move by at most 25 %
}
NAME = "vintage_plausible_against_previous"

COMPARISON = """
with c as ({cells}),
files as (select r, any_value(source_file) as source_file from c group by r),
cover as (select distinct r, scope, p from c),
-- each snapshot and the nearest older one that covers a (scope, period) it covers
shared as (
    select n.r as newer, min(o.r) as older
    from cover as n
    inner join cover as o on o.r > n.r and o.scope = n.scope and o.p = n.p
    group by n.r
),
both_cover as (
    select s.newer, s.older, n.scope, n.p
    from shared as s
    inner join cover as n on n.r = s.newer
    inner join cover as o on o.r = s.older and o.scope = n.scope and o.p = n.p
),
before as (
    select b.newer, b.older, c.scope, c.k, c.p, c.v, c.n
    from both_cover as b inner join c on c.r = b.older and c.scope = b.scope and c.p = b.p
),
after as (
    select b.newer, b.older, c.scope, c.k, c.p, c.v, c.n
    from both_cover as b inner join c on c.r = b.newer and c.scope = b.scope and c.p = b.p
),
records as (
    select newer, older,
        (select sum(n) from before where before.newer = b.newer) as records_before,
        (select sum(n) from after where after.newer = b.newer) as records_after,
        min(p)::varchar as first_period, max(p)::varchar as last_period, count(distinct p) as periods
    from both_cover as b group by newer, older
),
paired as (
    select b.newer, b.k, b.p, b.v as before_value, a.v as after_value
    from before as b
    left join after as a on a.newer = b.newer and a.scope = b.scope and a.k = b.k and a.p = b.p
    where b.v is not null
),
vals as (
    select newer,
        sum(before_value) as before_total,
        sum(before_value) filter (where after_value is null) as vanished_value,
        count(*) filter (where after_value is null) as vanished_cells,
        sum(before_value) filter (where after_value is not null) as sum_before,
        sum(after_value) filter (where after_value is not null) as sum_after,
        list(k || ' ' || p::varchar order by before_value desc, k, p) filter (where after_value is null)
            as vanished
    from paired group by newer
)
select nf.source_file as current_file, ofile.source_file as previous_file, r.*, v.* exclude (newer)
from records as r
inner join files as nf on nf.r = r.newer
inner join files as ofile on ofile.r = r.older
left join vals as v on v.newer = r.newer
order by r.newer
"""


def compare(con, cells: str) -> list[dict]:  # noqa: ANN001
    """Each snapshot with the nearest older one it overlaps, and the figures of what both cover."""
    cursor = con.execute(COMPARISON.format(cells=cells))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def judge(row: dict, limits: dict, unit: str) -> tuple[bool, list[str]]:
    """(plausible, the comparison in lines) of one pair against `limits`."""
    records_before, records_after = row["records_before"] or 0, row["records_after"] or 0
    ratio = records_after / records_before if records_before else 1.0
    before_total = row["before_total"] or 0
    vanished = (row["vanished_value"] or 0) / before_total if before_total else 0.0
    change = abs((row["sum_after"] or 0) / row["sum_before"] - 1) if row["sum_before"] else 0.0
    examples = ", ".join(str(e) for e in (row["vanished"] or [])[:5])
    span = f"{row['first_period']} to {row['last_period']}"
    tests = [
        (ratio >= limits["records_ratio_min"],
         f"records in what both cover ({span}): {records_after:,} against {records_before:,} "
         f"({ratio:.0%}; at least {limits['records_ratio_min']:.0%})"),
        (vanished <= limits["vanished_max"],
         f"{unit} in cells with a value before and none now: {int(row['vanished_value'] or 0):,} of "
         f"{int(before_total):,} ({vanished:.1%}; at most {limits['vanished_max']:.0%})"
         + (f", e.g. {examples}" if examples else "")),
        (change <= limits["totals_change_max"],
         f"{unit} in the cells both give: {int(row['sum_after'] or 0):,} against {int(row['sum_before'] or 0):,} "
         f"({change:.1%} apart; at most {limits['totals_change_max']:.0%})"),
    ]  # fmt: skip
    return judged(tests)


PUBLISHED = "published_vintages"  # the published database, attached read-only while a vintage check runs


def _published_files(con, source: str) -> set[str]:  # noqa: ANN001
    """The files of `source` the published database (attached as PUBLISHED) was built from."""
    if not has_table(con, "curated", "source_snapshots", PUBLISHED):
        return set()
    rows = con.execute(f"select file from {PUBLISHED}.curated.source_snapshots where source = ?", [source])
    return {file for (file,) in rows.fetchall()}


def check_result(
    warehouse,  # noqa: ANN001
    source: str,
    cells: str,
    limits: dict,
    unit: str,
    published_table: str | None = None,
) -> dg.AssetCheckResult:
    """The result of the vintage check of `source`: blocking when a new snapshot (one the published database
    was not built from) is implausible against the one before it, naming it (failed_files) so that it alone is
    marked rejected with the comparison; at warn severity, saying so, when it was accepted by hand. With
    `published_table`, `cells` reads the snapshots in use and, from the published database (PUBLISHED), the
    ones they replace."""
    with warehouse.connect() as con, attached(con, warehouse.paths().published_db, PUBLISHED) as present:
        published = _published_files(con, source) if present else set()
        # with published_table, nothing to compare the snapshot in use with until the published database has it
        comparable = published_table is None or (
            present and has_table(con, *published_table.split("."), PUBLISHED)
        )
        pairs = compare(con, cells) if comparable else []
    lines, summaries, failed, accepted = [], [], [], []
    for row in pairs:
        plausible, said = judge(row, limits, unit)
        if not plausible and accepted_by_hand(warehouse, source, row["current_file"]):
            accepted.append(row["current_file"])
        elif not plausible and row["current_file"] in published:
            said = [*said, "(published before: judged when it arrived)"]
        elif not plausible:
            failed.append(row["current_file"])
        lines.append(f"{row['current_file']} against {row['previous_file']}:")
        lines.extend(f"  {line}" for line in said)
        summaries.append(f"{row['current_file']} against {row['previous_file']}: {'; '.join(said)}")
    if not pairs:
        lines = summaries = ["no older snapshot covers what a newer one does: nothing to compare"]
    if accepted:
        said = f"accepted by hand after it was rejected (migration-evidence accept): {', '.join(accepted)}"
        lines, summaries = [said, *lines], [said, *summaries]
    return dg.AssetCheckResult(
        passed=not (failed or accepted),
        severity=dg.AssetCheckSeverity.ERROR if failed else dg.AssetCheckSeverity.WARN,
        description=" | ".join(summaries)[:4000],
        metadata={
            "comparison": dg.MetadataValue.json(lines),
            "limits": dg.MetadataValue.json(limits),
            **({"failed_files": dg.MetadataValue.json(failed)} if failed else {}),
        },
    )


def vintage_check(
    asset: dg.AssetKey,
    source: str,
    cells: str,
    unit: str,
    limits: dict | None = None,
    published_table: str | None = None,
) -> Check:
    """The blocking vintage check of `source` on its staging `asset`, over `cells` (see the module's doc; with
    `published_table`, over the snapshots in use and those of the published database they replace)."""
    limits = limits or LIMITS

    @recorded_check(
        asset=asset,
        name=NAME,
        description=(
            f"Each {source} snapshot against the nearest older one, over what both cover: records, {unit} that "
            "vanish and totals that move, each against a stated limit (limits in the metadata). Beyond any, a new "
            "snapshot is not published and is marked rejected with the comparison; `migration-evidence accept` "
            "puts it back once someone has looked, and the check then warns, saying so."
        ),
    )
    def _check(warehouse: object) -> dg.AssetCheckResult:
        return check_result(warehouse, source, cells, limits, unit, published_table)

    return _check
