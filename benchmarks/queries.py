"""Typical curated queries a researcher runs against the published evidence.duckdb, timed in milliseconds."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb

QUERIES: dict[str, str] = {
    "central_med_deaths_by_year": """
        select year(month) as year, sum(dead_and_missing) as dead_and_missing
        from curated.deaths_by_route_month
        where route = 'Central Mediterranean'
        group by 1 order by 1""",
    "mortality_by_route": """
        select route, year, arrivals, dead_and_missing, mortality_per_1000
        from curated.route_mortality_yearly
        where mortality_per_1000 is not null
        order by route, year""",
    "italy_arrivals_by_month": """
        select month, arrivals, source, basis
        from curated.sea_arrivals_monthly
        where country_iso3 = 'ITA' and arrival_type = 'sea'
        order by month""",
    "central_med_arrivals_and_deaths_2023": """
        select month, arrivals_italy, arrivals_malta, dead_and_missing, mortality_per_1000
        from curated.central_med_monthly
        where year(month) = 2023 order by month""",
    "nexus_top_nationalities": """
        select nationality_iso3, sum(arrivals_italy) as arrivals, sum(detected_victims_italy) as victims
        from curated.nexus_by_nationality
        group by 1 order by arrivals desc nulls last limit 10""",
    "trafficking_victims_italy": """
        select year, value, value_status
        from curated.thb_victims
        where source = 'unodc_glotip' and country_iso3 = 'ITA' and indicator = 'detected victims'
          and dimension = 'total' and sex = 'Total' and age = 'Total'
        order by year""",
    "deadliest_central_med_incidents": """
        select incident_id, incident_date, dead_and_missing, lat, lon, source_file, source_row
        from curated.mmp_incidents
        where route = 'Central Mediterranean'
        order by dead_and_missing desc nulls last limit 20""",
    "source_snapshots": """
        select source, original_name, sha256, accessed, published, licence
        from curated.source_snapshots order by source""",
}


def time_queries(database: Path, runs: int = 50) -> dict[str, dict]:
    """Per query: median, min and max milliseconds over `runs` executions on one read-only connection (after
    one warm-up execution), the row count, and the time to open the database and run it once ("cold")."""
    results: dict[str, dict] = {}
    for name, sql in QUERIES.items():
        start = time.perf_counter()
        con = duckdb.connect(str(database), read_only=True)
        rows = len(con.execute(sql).fetchall())
        cold = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            con.execute(sql).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        con.close()
        results[name] = {
            "median_ms": statistics.median(times),
            "min_ms": min(times),
            "max_ms": max(times),
            "cold_ms": cold,
            "rows": rows,
            "runs": runs,
        }
    return results
