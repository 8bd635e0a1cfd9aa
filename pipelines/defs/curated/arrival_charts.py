"""The arrivals chart asset: monthly sea arrivals to Italy and Malta, and the top nationalities in Italy."""

import dagster as dg

from pipelines.defs.curated import arrival_figures as af
from pipelines.defs.curated import figures
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse


@dg.asset(
    key=["reports", "arrival_charts"],
    deps=[
        dg.AssetKey(["curated", "sea_arrivals_monthly"]),
        dg.AssetKey(["curated", "arrivals_by_nationality"]),
        dg.AssetKey(["curated", "source_snapshots"]),
    ],
    group_name="reports",
    kinds={"plotly"},
)
def arrival_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Monthly sea arrivals to Italy and Malta 2014-latest with the source of each month visible, and arrivals
    to Italy by nationality (the ten largest each year); each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        monthly = con.execute("select * from curated.sea_arrivals_monthly").df()
        nationality = con.execute("select * from curated.arrivals_by_nationality").df()
        snapshots = con.execute(
            "select * from curated.source_snapshots where source in ('unhcr_odp', 'italy_moi') "
            "and raw_table <> 'raw.italy_moi__anagrafica_report'"
        ).df()
    sample = bool(snapshots["sample"].any())
    monthly_data = af.italy_malta_data(monthly)
    caption = figures.caption_for(
        snapshots,
        "Italy: consolidated ministry figures first, then UNHCR's monthly series, then the ministry's provisional "
        "daily sums (see curated.sea_arrivals_monthly.basis). Months of one year can come from two publishers; "
        "annual totals: curated.sea_arrivals_yearly. " + af.coverage_note(monthly_data),
    )
    top_caption = figures.caption_for(snapshots)
    top_data = af.top_nationalities_data(nationality)
    charts = [
        Chart("italy_malta_sea_arrivals_monthly", "Sea arrivals to Italy and Malta by month",
              af.build_italy_malta_monthly(monthly_data, sample=sample), monthly_data, caption),
        Chart("italy_arrivals_top_nationalities", "Arrivals to Italy: the ten largest nationalities each year",
              af.build_top_nationalities(top_data, sample=sample), top_data, top_caption),
    ]  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"arrival charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written), "sample": sample})


ASSETS = [arrival_charts]
