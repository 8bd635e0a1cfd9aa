"""The route-evidence chart asset: arrivals and deaths by month, route mortality compared, the flows
Sankey and the data-quality mix."""

import dagster as dg
import pandas as pd

from pipelines.defs.curated import evidence_figures as ef
from pipelines.defs.curated import figures
from pipelines.defs.curated.citations import snapshots_in_use
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.sql import has_table
from pipelines.lib.warehouse import Warehouse

TABLES = [
    "central_med_monthly",
    "route_mortality_yearly",
    "sea_arrivals_yearly",
    "arrivals_by_nationality",
    "mmp_incidents",
    "source_snapshots",
]
# Interceptions and returns to Libya for the Sankey: built when the project's published figures are imported.
ATTEMPTS = "central_med_attempts_yearly"
# Only what the source-quality chart reads of the incidents (1.9 million rows at scale).
COLUMNS = {"mmp_incidents": "year, source_quality"}


def latest_complete_year(yearly: pd.DataFrame) -> int | None:
    """The last year the Central Mediterranean's inputs cover completely (curated.route_mortality_yearly's
    is_complete: Italy's arrivals and the dead and missing for all of the year); None when there is none."""
    central = yearly[
        (yearly["route"] == "Central Mediterranean") & yearly["is_complete"].fillna(False).astype(bool)
    ]
    return int(central["year"].max()) if len(central) else None


def latest_year_with_arrivals(yearly: pd.DataFrame) -> int | None:
    """Without a complete year, the last year with any Central Mediterranean arrival figure (a partial year)."""
    central = yearly[(yearly["route"] == "Central Mediterranean") & yearly["arrivals"].notna()]
    return int(central["year"].max()) if len(central) else None


@dg.asset(
    key=["reports", "evidence_charts"],
    deps=[dg.AssetKey(["curated", t]) for t in [*TABLES, ATTEMPTS]],
    group_name="reports",
    kinds={"plotly"},
    metadata={"optional_inputs": [f"curated/{ATTEMPTS}"]},
)
def evidence_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Central Mediterranean monthly arrivals and dead and missing; mortality per 1,000 attempted crossings by year,
    routes compared; the flows Sankey (nationality group -> route -> outcome) for the latest complete year; and
    the Missing Migrants source-quality mix by year. Each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        frames = {t: con.execute(f"select {COLUMNS.get(t, '*')} from curated.{t}").df() for t in TABLES}
        frames["source_snapshots"] = snapshots_in_use(con)
        attempts = (
            con.execute(f"select * from curated.{ATTEMPTS}").df()
            if has_table(con, "curated", ATTEMPTS)
            else None
        )
    snapshots = frames["source_snapshots"]
    sample = bool(snapshots["sample"].any())
    arrivals_and_deaths = snapshots[snapshots["source"].isin(["iom_mmp", "unhcr_odp", "italy_moi"])
                                    & (snapshots["raw_table"] != "raw.italy_moi__anagrafica_report")]  # fmt: skip
    monthly = ef.central_med_monthly_data(frames["central_med_monthly"])
    mortality = ef.route_mortality_data(frames["route_mortality_yearly"])
    yearly = frames["route_mortality_yearly"]
    year = latest_complete_year(yearly)
    flows_label = f"Central Mediterranean {year}: who crossed, and what happened"
    if year is None:  # no complete year: the latest partial one, labelled as such
        year = latest_year_with_arrivals(yearly)
        flows_label = f"Central Mediterranean {year} (partial year): who crossed, and what happened"
    formula = (
        "Mortality per 1,000 attempted crossings = dead and missing / (arrivals + dead and missing) x 1000; both are "
        "minimum counts; published only where arrivals and dead and missing both cover the whole period."
    )
    monthly_caption = figures.caption_for(
        arrivals_and_deaths,
        f"{formula} {ef.malta_note(monthly)} {figures.mmp_gaps_note(_coverage(monthly))} Months a source does "
        "not report are gaps under a grey 'no data' band, never 0.",
    )
    mortality_caption = figures.caption_for(
        arrivals_and_deaths,
        f"{formula} {ef.denominator_note(mortality)} {ef.partial_years_note(mortality)}".strip(),
    )
    flows = (
        ef.flows_data(frames["arrivals_by_nationality"], frames["sea_arrivals_yearly"], yearly, year,
                      attempts_yearly=attempts)
        if year is not None
        else pd.DataFrame(columns=["from", "to", "people", "year", "nationality_source", "malta", "interception"])
    )  # fmt: skip
    interception = "" if flows.empty else flows["interception"].iloc[0]
    if interception.startswith("included: "):
        returned_note = (
            " Intercepted at sea and returned to Libya: IOM Libya's figure for the year, "
            f"{interception.removeprefix('included: ')}; Tunisia's interceptions are not in any "
            "figure the project holds."
        )
    else:
        returned_note = (
            " Interceptions and returns to Libya: "
            f"{interception or 'no published figure for the year: left out'} (no flow drawn, never 0)."
        )
    flows_caption = figures.caption_for(
        arrivals_and_deaths,
        "Arrivals to Italy: the year's annual figure (curated.sea_arrivals_yearly); dead and missing: "
        "curated.route_mortality_yearly."
        + ("" if flows.empty or flows["malta"].iloc[0] == "included"
           else " Malta is not reported for the whole year and is left out: Italy only.")
        + returned_note,
    )  # fmt: skip
    quality = ef.source_quality_data(frames["mmp_incidents"])
    quality_caption = figures.caption_for(snapshots[snapshots["source"] == "iom_mmp"])
    charts = [
        Chart("central_med_arrivals_dead_missing_monthly", "Central Mediterranean: arrivals and deaths by month",
              ef.build_central_med_arrivals_deaths(monthly, sample=sample), monthly, monthly_caption),
        Chart("route_mortality_yearly", "Deaths per 1,000 attempted crossings, Mediterranean routes compared",
              ef.build_route_mortality(mortality, sample=sample), mortality, mortality_caption),
        Chart("central_med_flows_sankey", flows_label,
              ef.build_flows_sankey(flows, sample=sample, partial_year="partial" in flows_label), flows,
              flows_caption),
        Chart("mmp_source_quality_by_year", "Missing Migrants records by source quality, per year",
              ef.build_source_quality(quality, sample=sample), quality, quality_caption),
    ]  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"evidence charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written), "sankey_year": year})


def _coverage(monthly: pd.DataFrame) -> pd.DataFrame:
    """The monthly frame in the shape figures.mmp_gaps_note reads (coverage of the dead and missing)."""
    days = monthly["dead_and_missing_days_covered"]
    coverage = ["not reported" if d == 0 else "complete" if d == n else "partial"
                for d, n in zip(days, monthly["days_in_month"], strict=True)]  # fmt: skip
    return pd.DataFrame({"month": monthly["month"], "coverage": coverage})


ASSETS = [evidence_charts]
