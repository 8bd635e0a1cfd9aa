"""The brief's key figures: the latest complete year on the Central Mediterranean, and trafficking victims."""

import pandas as pd

from pipelines.defs.curated.citations import cite
from pipelines.defs.curated.evidence_charts import latest_complete_year


def key_figures(con, snapshots: pd.DataFrame) -> tuple[list[dict], int | None]:  # noqa: ANN001
    monthly = con.execute("select * from curated.central_med_monthly").df()
    if monthly["arrivals_italy"].notna().sum() == 0:
        return [], None
    year = latest_complete_year(monthly)
    in_year = monthly[pd.to_datetime(monthly["month"]).dt.year == year]
    rate = con.execute(
        "select mortality_per_1000 from curated.route_mortality_yearly where route = 'Central Mediterranean' and year = ?",
        [year],
    ).fetchall()
    sources = sorted(set(in_year["arrivals_italy_source"].dropna()))
    figures = [
        {"label": f"Dead and missing on the Central Mediterranean route, {year}",
         "value": f"{int(in_year['dead_and_missing'].sum()):,}", "citation": cite(snapshots, ["iom_mmp"])},
        {"label": f"Sea arrivals to Italy, {year}", "value": f"{int(in_year['arrivals_italy'].sum()):,}",
         "citation": cite(snapshots, sources)},
        {"label": f"Deaths per 1,000 attempted crossings, Central Mediterranean, {year}",
         "value": f"{rate[0][0]:.1f}" if rate and rate[0][0] is not None else "n/a",
         "citation": cite(snapshots, ["iom_mmp", *sources])},
    ]  # fmt: skip
    return figures, year


def trafficking_figures(con, snapshots: pd.DataFrame) -> list[dict]:  # noqa: ANN001
    """Latest UNODC detected victims in Italy and Eurostat registered victims in the EU, never added together."""
    found = []
    italy = con.execute(
        "select year, value from curated.thb_victims where source = 'unodc_glotip' and geo_level = 'country' "
        "and country_iso3 = 'ITA' and indicator = 'detected victims' and dimension = 'total' and sex = 'Total' "
        "and age = 'Total' and value is not null order by year desc limit 1"
    ).fetchall()
    if italy:
        found.append({"label": f"Trafficking victims detected in Italy, {italy[0][0]} (UNODC definition)",
                      "value": f"{int(italy[0][1]):,}", "citation": cite(snapshots, ["unodc_glotip"])})  # fmt: skip
    eu = con.execute(
        "select year, value from curated.thb_victims where source = 'eurostat_thb' and geo_code like 'EU27%' "
        "and indicator = 'registered victims' and dimension = 'total' and value is not null "
        "order by year desc limit 1"
    ).fetchall()
    if eu:
        found.append({"label": f"Registered victims of trafficking in the EU, {eu[0][0]} (Eurostat definition)",
                      "value": f"{int(eu[0][1]):,}", "citation": cite(snapshots, ["eurostat_thb"])})  # fmt: skip
    return found
