"""The route-evidence chart asset: arrivals and deaths by month, route mortality compared, the flows
Sankey and the data-quality mix."""

import dagster as dg
import pandas as pd

from pipelines.defs.curated import evidence_figures as ef
from pipelines.defs.curated import figures
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse

TABLES = [
    "central_med_monthly",
    "route_mortality_yearly",
    "arrivals_by_nationality",
    "mmp_incidents",
    "source_snapshots",
]
# Only what the source-quality chart reads of the incidents (1.9 million rows at scale).
COLUMNS = {"mmp_incidents": "year, source_quality"}


def latest_complete_year(monthly: pd.DataFrame) -> int:
    """The last year with Italy arrivals for all twelve months (else the last year with any)."""
    months = monthly[monthly["arrivals_italy"].notna()]
    counts = months.groupby(pd.to_datetime(months["month"]).dt.year).size()
    complete = counts[counts == 12]
    return int(complete.index.max() if len(complete) else counts.index.max())


@dg.asset(
    key=["reports", "evidence_charts"],
    deps=[dg.AssetKey(["curated", t]) for t in TABLES],
    group_name="reports",
    kinds={"plotly"},
)
def evidence_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Central Mediterranean monthly arrivals and dead and missing; mortality per 1,000 attempted crossings by year,
    routes compared; the flows Sankey (nationality group -> route -> outcome) for the latest complete year; and
    the Missing Migrants source-quality mix by year. Each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        frames = {t: con.execute(f"select {COLUMNS.get(t, '*')} from curated.{t}").df() for t in TABLES}
    snapshots = frames["source_snapshots"]
    sample = bool(snapshots["sample"].any())
    arrivals_and_deaths = snapshots[snapshots["source"].isin(["iom_mmp", "unhcr_odp", "italy_moi"])
                                    & (snapshots["raw_table"] != "raw.italy_moi__anagrafica_report")]  # fmt: skip
    caption = figures.caption_for(
        arrivals_and_deaths,
        "Mortality per 1,000 attempted crossings = dead and missing / (arrivals + dead and missing) x 1000; "
        "both are minimum counts.",
    )
    quality_caption = figures.caption_for(snapshots[snapshots["source"] == "iom_mmp"])
    monthly = ef.central_med_monthly_data(frames["central_med_monthly"])
    mortality = ef.route_mortality_data(frames["route_mortality_yearly"])
    year = latest_complete_year(frames["central_med_monthly"])
    flows = ef.flows_data(frames["arrivals_by_nationality"], frames["central_med_monthly"], year)
    quality = ef.source_quality_data(frames["mmp_incidents"])
    charts = [
        Chart("central_med_arrivals_dead_missing_monthly", "Central Mediterranean: arrivals and deaths by month",
              ef.build_central_med_arrivals_deaths(monthly, sample=sample), monthly, caption),
        Chart("route_mortality_yearly", "Deaths per 1,000 attempted crossings, Mediterranean routes compared",
              ef.build_route_mortality(mortality, sample=sample), mortality, caption),
        Chart("central_med_flows_sankey", f"Central Mediterranean {year}: who crossed, and what happened",
              ef.build_flows_sankey(flows, sample=sample), flows, caption),
        Chart("mmp_source_quality_by_year", "Missing Migrants records by source quality, per year",
              ef.build_source_quality(quality, sample=sample), quality, quality_caption),
    ]  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"evidence charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written), "sankey_year": year})


ASSETS = [evidence_charts]
