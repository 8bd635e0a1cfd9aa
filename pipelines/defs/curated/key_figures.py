"""The brief's key figures: the latest complete year on the Central Mediterranean, and trafficking victims."""

import pandas as pd

from pipelines.defs.curated.citations import cite, mmp_files_for_year
from pipelines.defs.curated.evidence_charts import latest_complete_year


def key_figures(con, snapshots: pd.DataFrame) -> tuple[list[dict], int | None]:  # noqa: ANN001
    """The latest year whose inputs are complete (curated.route_mortality_yearly.is_complete: Italy's arrivals and
    the dead and missing for all of the year), each figure read from the tables as published: dead and missing and
    mortality from route_mortality_yearly, Italy's arrivals from sea_arrivals_yearly (a publisher's own annual
    total, named). The mortality label states what its denominator includes ("Italy only" when Malta is not
    reported for the whole year). No complete year: no key figures."""
    yearly = con.execute(
        "select * from curated.route_mortality_yearly where route = 'Central Mediterranean'"
    ).df()
    year = latest_complete_year(yearly)
    if year is None:
        return [], None
    row = yearly[yearly["year"] == year].iloc[0]
    italy = con.execute(
        "select arrivals, source, basis from curated.sea_arrivals_yearly "
        "where country_iso3 = 'ITA' and arrival_type = 'sea' and year = ?",
        [year],
    ).fetchall()
    arrivals, arrivals_source, arrivals_basis = italy[0] if italy else (None, None, None)
    sources = sorted({s.strip() for s in str(row["arrivals_sources"] or "").split(",") if s.strip()})
    includes = row["denominator_includes"]
    note = f"; {row['denominator_note']}" if isinstance(row["denominator_note"], str) else ""
    rate = row["mortality_per_1000"]
    mmp = mmp_files_for_year(con, year)  # the Missing Migrants files the year's figures come from
    feeding = snapshots.loc[snapshots["source"] != "iom_mmp", "file"].tolist() + mmp
    figures = [
        {"label": f"Dead and missing on the Central Mediterranean route, {year}",
         "value": f"{int(row['dead_and_missing']):,}", "citation": cite(snapshots, ["iom_mmp"], files=mmp)},
        {"label": f"Sea arrivals to Italy, {year} ({arrivals_basis})",
         "value": f"{int(arrivals):,}" if arrivals is not None else "not reported",
         "citation": cite(snapshots, [arrivals_source] if arrivals_source else [])},
        {"label": f"Deaths per 1,000 attempted crossings, Central Mediterranean, {year} "
                  f"(denominator: arrivals to {includes}{note})",
         "value": f"{rate:.1f}" if pd.notna(rate) else "n/a",
         "citation": cite(snapshots, ["iom_mmp", *sources], files=feeding)},
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
