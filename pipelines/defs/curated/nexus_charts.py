"""Charts of the nexus (share of arrivals vs share of detected victims) and of the revisions between two
GLOTIP releases."""

import dagster as dg
import pandas as pd
import plotly.graph_objects as go

from pipelines.defs.curated import figures
from pipelines.defs.curated.figures import TEMPLATE, _title, _top_margin
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse


def nexus_data(nexus: pd.DataFrame) -> pd.DataFrame:
    """The latest year with both shares, nationalities present on at least one side."""
    both = nexus[nexus["share_of_arrivals_italy"].notna() & nexus["share_of_detected_victims_italy"].notna()]
    if both.empty:
        return both.assign(year=pd.Series(dtype="int64"))
    year = int(both["year"].max())
    data = nexus[(nexus["year"] == year) & (nexus["nationality_iso3"] != "ITA")].copy()
    data["share_of_arrivals_italy"] = data["share_of_arrivals_italy"].fillna(0.0)
    data["share_of_detected_victims_italy"] = data["share_of_detected_victims_italy"].fillna(0.0)
    keep = (data["share_of_arrivals_italy"] > 0) | (data["share_of_detected_victims_italy"] > 0)
    columns = ["year", "nationality_iso3", "share_of_arrivals_italy", "share_of_detected_victims_italy",
               "arrivals_italy", "detected_victims_italy", "detected_victims_suppressed", "arrivals_source"]  # fmt: skip
    return (
        data.loc[keep, columns].sort_values("share_of_arrivals_italy", ascending=False).reset_index(drop=True)
    )


def build_nexus(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    year = int(data["year"].iloc[0]) if len(data) else ""
    top = (
        float(max(data["share_of_arrivals_italy"].max(), data["share_of_detected_victims_italy"].max(), 0.05))
        if len(data)
        else 1.0
    )
    figure = go.Figure()
    figure.add_scatter(x=[0, top], y=[0, top], mode="lines", name="Equal shares",
                       line={"color": "#999999", "dash": "dash"}, hoverinfo="skip")  # fmt: skip
    figure.add_scatter(
        x=data["share_of_arrivals_italy"], y=data["share_of_detected_victims_italy"], mode="markers+text",
        text=data["nationality_iso3"], textposition="top center", name="Nationality",
        marker={"size": 9, "color": "#0072B2", "line": {"width": 0.5, "color": "#333"}},
        customdata=data[["arrivals_italy", "detected_victims_italy"]].astype("float").fillna(-1).to_numpy(),
        hovertemplate="%{text}: %{x:.1%} of arrivals, %{y:.1%} of detected victims<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title(
            f"Italy {year}: share of sea arrivals and share of detected trafficking victims, by nationality",
            sample,
        ),
        margin=_top_margin(sample),
        showlegend=False,
    )
    figure.update_xaxes(tickformat=".0%", title_text="Share of sea arrivals to Italy", rangemode="tozero")
    figure.update_yaxes(
        tickformat=".0%", title_text="Share of trafficking victims detected in Italy", rangemode="tozero"
    )
    return figure


def revisions_data(revisions: pd.DataFrame) -> pd.DataFrame:
    counts = revisions.groupby(["year", "change"]).size().rename("values").reset_index()
    counts["year"] = counts["year"].astype(int)
    return counts.sort_values(["year", "change"]).reset_index(drop=True)


def build_revisions(data: pd.DataFrame, releases: str, *, sample: bool = False) -> go.Figure:
    figure = go.Figure()
    styles = {"changed": ("#D55E00", ""), "added": ("#009E73", "/"), "removed": ("#999999", "x")}
    for change, (color, pattern) in styles.items():
        part = data[data["change"] == change]
        if len(part):
            figure.add_bar(x=part["year"], y=part["values"], name=change,
                           marker={"color": color, "pattern": {"shape": pattern, "fillmode": "overlay"}})  # fmt: skip
    figure.update_layout(
        template=TEMPLATE, barmode="stack", margin=_top_margin(sample),
        title=_title(f"UNODC GLOTIP: values revised between releases {releases}, by data year", sample),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
    )  # fmt: skip
    figure.update_yaxes(title_text="Values (country x indicator x breakdown)")
    figure.update_xaxes(dtick=1)
    return figure


@dg.asset(
    key=["reports", "nexus_charts"],
    deps=[
        dg.AssetKey(["curated", t]) for t in ("nexus_by_nationality", "glotip_revisions", "source_snapshots")
    ],
    group_name="reports",
    kinds={"plotly"},
)
def nexus_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The nexus (share of arrivals vs share of detected trafficking victims in Italy, by nationality) and the
    revisions between the two newest GLOTIP releases; each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        nexus = con.execute("select * from curated.nexus_by_nationality").df()
        revisions = con.execute("select * from curated.glotip_revisions").df()
        snapshots = con.execute("select * from curated.source_snapshots").df()
    sample = bool(snapshots["sample"].any())
    used = snapshots[snapshots["source"].isin(["unodc_glotip", "unhcr_odp", "italy_moi"])
                     & ~snapshots["raw_table"].isin(["raw.italy_moi__anagrafica_report"])]  # fmt: skip
    caption = figures.caption_for(used, "Different definitions, side by side: a share of arrivals beside a share of "
                                  "detected victims does not say that any arrival was trafficked.")  # fmt: skip
    glotip = snapshots[snapshots["source"] == "unodc_glotip"]
    releases = " and ".join(
        sorted({str(v)[:10] for v in revisions[["previous_release", "current_release"]].stack()})
    )
    nexus_frame, revisions_frame = nexus_data(nexus), revisions_data(revisions)
    charts = [
        Chart("nexus_arrivals_vs_trafficking_victims", "Share of arrivals and share of detected trafficking victims",
              build_nexus(nexus_frame, sample=sample), nexus_frame, caption),
        Chart("glotip_revisions", "GLOTIP values revised between releases",
              build_revisions(revisions_frame, releases or "(one release loaded)", sample=sample), revisions_frame,
              figures.caption_for(glotip)),
    ]  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"nexus charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written)})


ASSETS = [nexus_charts]
