"""The chart asset: builds every figure from the curated tables and writes each chart's file set."""

import dagster as dg

from pipelines.defs.curated import figures
from pipelines.defs.curated.citations import snapshots_in_use
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse

CHARTS_KEY = dg.AssetKey(["reports", "mmp_charts"])


@dg.asset(
    key=CHARTS_KEY,
    deps=[
        dg.AssetKey(["curated", "mmp_incidents"]),
        dg.AssetKey(["curated", "deaths_by_route_month"]),
        dg.AssetKey(["curated", "mmp_coverage_monthly"]),
        dg.AssetKey(["curated", "source_snapshots"]),
    ],
    group_name="reports",
    kinds={"plotly"},
)
def mmp_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Central Mediterranean dead and missing by month (months no Missing Migrants snapshot covers are gaps,
    partly covered months marked), and the map of Central Mediterranean incidents.

    Each chart is written under reports/charts/<chart>/ as standalone HTML, an embeddable fragment, PNG,
    SVG, the plotted data as CSV and its caption (source, snapshot dates, licence).
    """
    with warehouse.connect() as con:
        deaths = con.execute("select * from curated.deaths_by_route_month").df()
        coverage = con.execute(
            "select month, days_covered, days_in_month from curated.mmp_coverage_monthly order by month"
        ).df()
        # only the incidents the map can show (central_med_map_data's own filter, applied again there)
        incidents = con.execute(
            f"select {', '.join(figures.MAP_COLUMNS)} from curated.mmp_incidents "
            "where route = 'Central Mediterranean' and lat is not null and dead_and_missing > 0"
        ).df()
        snapshots = snapshots_in_use(con, "source = 'iom_mmp'")
    sample = bool(snapshots["sample"].any())
    monthly = figures.central_med_monthly_data(deaths, coverage)
    caption = figures.caption_for(
        snapshots, "Counts are minimum estimates of recorded deaths. " + figures.mmp_gaps_note(monthly)
    )
    points = figures.central_med_map_data(incidents)
    charts = [
        Chart(
            name="central_med_dead_missing_monthly",
            title="Central Mediterranean: dead and missing by month",
            figure=figures.build_central_med_monthly(monthly, sample=sample),
            data=monthly,
            caption=caption,
        ),
        Chart(
            name="central_med_incident_map",
            title="Central Mediterranean: incidents by dead and missing",
            figure=figures.build_central_med_map(points, sample=sample),
            data=points,
            caption=caption,
        ),
    ]
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"charts written to {paths.charts_dir}")
    return dg.MaterializeResult(
        metadata={
            "charts": dg.MetadataValue.json(written),
            "charts_dir": dg.MetadataValue.path(str(paths.charts_dir)),
            "sample": sample,
        }
    )


ASSETS = [mmp_charts]
