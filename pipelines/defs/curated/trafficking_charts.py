"""The trafficking chart asset: detected victims in Italy by form of exploitation (UNODC GLOTIP) and EU registered
victims by citizenship group (Eurostat), each written as the project's chart file set."""

import dagster as dg
import pandas as pd

from pipelines.defs.curated import figures
from pipelines.defs.curated import trafficking_figures as tf
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse

CHARTS_KEY = dg.AssetKey(["reports", "trafficking_charts"])
GLOTIP_NOTE = (
    "Detected victims as reported by national authorities to UNODC; values below 5 are suppressed by UNODC and not "
    "drawn; forms of exploitation need not add up to the national total. Not comparable with Eurostat's registered "
    "victims."
)
EUROSTAT_NOTE = (
    "Registered (identified and presumed) victims under Directive 2011/36/EU; not comparable with UNODC's detected "
    "victims."
)


def _charts(victims: pd.DataFrame, snapshots: pd.DataFrame) -> tuple[list[Chart], dict[str, str]]:
    """The charts whose data is present, and for the others why they were skipped."""
    charts, skipped = [], {}
    glotip = snapshots[
        (snapshots["source"] == "unodc_glotip") & (snapshots["raw_table"] == "raw.unodc_glotip__data_glotip")
    ]
    italy = tf.italy_forms_data(victims)
    if glotip.empty or italy["value"].notna().sum() == 0:
        skipped["italy_detected_victims_by_form"] = (
            "no GLOTIP detected-victim figures for Italy in this build"
        )
    else:
        sample = bool(glotip["sample"].any())
        charts.append(
            Chart(
                name="italy_detected_victims_by_form",
                title="Italy: detected victims of trafficking by form of exploitation",
                figure=tf.build_italy_forms(italy, sample=sample),
                data=italy,
                caption=figures.caption_for(glotip, GLOTIP_NOTE),
            )
        )
    eurostat = snapshots[(snapshots["source"] == "eurostat_thb") & (snapshots["entity"] == "crim_thb_vctz")]
    citizenship = tf.eu_citizenship_data(victims)
    if eurostat.empty or citizenship["value"].notna().sum() == 0:
        skipped["eu_registered_victims_by_citizenship"] = (
            "no Eurostat crim_thb_vctz EU aggregate in this build"
        )
    else:
        sample = bool(eurostat["sample"].any())
        charts.append(
            Chart(
                name="eu_registered_victims_by_citizenship",
                title="European Union: registered victims of trafficking by citizenship",
                figure=tf.build_eu_citizenship(citizenship, sample=sample),
                data=citizenship,
                caption=figures.caption_for(eurostat, EUROSTAT_NOTE),
            )
        )
    return charts, skipped


@dg.asset(
    key=CHARTS_KEY,
    deps=[dg.AssetKey(["curated", "thb_victims"]), dg.AssetKey(["curated", "source_snapshots"])],
    group_name="reports",
    kinds={"plotly"},
)
def trafficking_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Detected victims of trafficking in Italy by form of exploitation, by year (UNODC GLOTIP, release in use),
    and registered victims in the EU by citizenship group (Eurostat crim_thb_vctz, EU aggregate).

    Each chart is written under reports/charts/<chart>/ as standalone HTML, an embeddable fragment, PNG, SVG,
    the plotted data as CSV (suppressed values kept, with their status) and its caption (source file, sha256,
    dates, licence, definition note). A chart whose data is absent from the build is skipped and listed in
    `skipped`; its earlier files are left as they were.
    """
    with warehouse.connect() as con:
        victims = con.execute("select * from curated.thb_victims").df()
        snapshots = con.execute(
            "select * from curated.source_snapshots where source in ('unodc_glotip', 'eurostat_thb')"
        ).df()
    charts, skipped = _charts(victims, snapshots)
    paths = warehouse.paths()
    written = (
        export_charts(charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True)
        if charts
        else {}
    )
    for name, reason in skipped.items():
        context.log.warning(f"chart {name} skipped: {reason}")
    return dg.MaterializeResult(
        metadata={
            "charts": dg.MetadataValue.json(written),
            "skipped": dg.MetadataValue.json(skipped),
            "charts_dir": dg.MetadataValue.path(str(paths.charts_dir)),
            "sample": bool(snapshots["sample"].any()) if len(snapshots) else False,
        }
    )


ASSETS = [trafficking_charts]
