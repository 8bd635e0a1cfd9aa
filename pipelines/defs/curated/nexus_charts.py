"""Charts of the nexus (share of arrivals vs share of detected victims) and of the revisions between two
GLOTIP releases."""

import dagster as dg
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.defs.curated import figures
from pipelines.defs.curated.figures import TEMPLATE, _title, _top_margin, as_counts
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.sql import has_table
from pipelines.lib.warehouse import Warehouse

PUBLISHERS = {"italy_moi": ("the ministry", "Ministry of the Interior"), "unhcr_odp": ("UNHCR", "UNHCR")}
# victims_share_status of a nationality whose arrival share is reported -> (legend entry, caption wording)
VICTIM_REASONS = {
    "suppressed (<5)": ("victims suppressed (<5)", "victims suppressed by UNODC (<5)"),
    "not in published list": ("not in UNODC's list", "citizenship not in UNODC's published list"),
    "not reported": ("no UNODC breakdown", "no UNODC citizenship breakdown"),
}
HEIGHT = 900  # room for the plot above a long caption in the static images
NEXUS_COLUMNS = [
    "year", "nationality_iso3", "shown", "share_of_arrivals_italy", "arrival_share_status",
    "share_of_detected_victims_italy", "victims_share_status", "arrivals_italy", "arrivals_denominator",
    "arrivals_source", "arrivals_denominator_basis", "detected_victims_italy", "detected_victims_italy_total",
    "victims_status",
]  # fmt: skip


def nexus_data(nexus: pd.DataFrame) -> pd.DataFrame:
    """Every nationality of the latest year in which at least one has both shares reported: the plotted ones
    (shown) and the others with their status, never a share filled in as 0. Italian nationals (victims, not
    arrivals) are left out of the chart and counted in its note."""
    both = nexus[
        (nexus["arrival_share_status"] == "reported") & (nexus["victims_share_status"] == "reported")
    ]
    if both.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in NEXUS_COLUMNS}).astype({"year": "int64"})
    year = int(both["year"].max())
    data = nexus[nexus["year"] == year].copy()
    data["shown"] = (
        (data["arrival_share_status"] == "reported")
        & (data["victims_share_status"] == "reported")
        & (data["nationality_iso3"] != "ITA")
    )
    data = data.sort_values(["shown", "share_of_arrivals_italy", "detected_victims_italy", "nationality_iso3"],
                            ascending=[False, False, False, True], na_position="last")  # fmt: skip
    counts = [
        "arrivals_italy",
        "arrivals_denominator",
        "detected_victims_italy",
        "detected_victims_italy_total",
    ]
    return data[NEXUS_COLUMNS].astype({c: "Int64" for c in counts}).reset_index(drop=True)


def _publisher(data: pd.DataFrame, long: bool = False) -> str:
    sources = data["arrivals_source"].dropna()
    if sources.empty:
        return ""
    source = str(sources.iloc[0])
    return PUBLISHERS.get(source, (source, source))[1 if long else 0]


def left_out(data: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """The nationalities of the chart's year that are not plotted, grouped by why: (legend entry, caption
    wording, nationalities), the largest group first."""
    if data.empty:
        return []
    publisher = _publisher(data) or "the publisher"
    groups: dict[tuple[str, str], list[str]] = {}
    for row in data[~data["shown"].astype(bool)].itertuples():
        if row.nationality_iso3 == "ITA":
            reason = ("Italian nationals", "Italian nationals (detected victims, not arrivals)")
        elif row.arrival_share_status == "reported":
            status = row.victims_share_status
            reason = VICTIM_REASONS.get(status, (f"victims {status}", f"victims share {status}"))
        elif row.arrival_share_status == "not in published list":
            reason = (f"not in {publisher}'s arrivals list, victims {row.victims_status}",
                      f"not in {publisher}'s published list of arrivals, victims {row.victims_status}")  # fmt: skip
        else:
            reason = (f"arrivals {row.arrival_share_status}",
                      f"arrivals {row.arrival_share_status}, victims {row.victims_status}")  # fmt: skip
        groups.setdefault(reason, []).append(str(row.nationality_iso3))
    return sorted(((short, long, names) for (short, long), names in groups.items()),
                  key=lambda group: (-len(group[2]), group[0]))  # fmt: skip


def left_out_note(data: pd.DataFrame) -> str:
    groups = left_out(data)
    if not groups:
        return ""
    parts = [f"{long}: {len(names)} ({', '.join(names)})" for _, long, names in groups]
    return "Not plotted (a value not published is never drawn as 0): " + "; ".join(parts) + "."


def nexus_caption_note(data: pd.DataFrame) -> str:
    """What the two shares are shares of, and what is left out, for the caption."""
    note = ("Different definitions, side by side: a share of arrivals beside a share of detected victims does not "
            "say that any arrival was trafficked.")  # fmt: skip
    if len(data):
        first = data.iloc[0]
        note += (f" Arrival shares: of {int(first['arrivals_denominator']):,} sea arrivals to Italy in "
                 f"{int(first['year'])}, {first['arrivals_denominator_basis']}. Victim shares: of UNODC's "
                 f"national total of {int(first['detected_victims_italy_total']):,} victims detected in Italy.")  # fmt: skip
    out = left_out_note(data)
    return f"{note} {out}" if out else note


def build_nexus(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    shown = data[data["shown"].astype(bool)] if len(data) else data
    year = int(data["year"].iloc[0]) if len(data) else ""
    top = (
        float(
            max(shown["share_of_arrivals_italy"].max(), shown["share_of_detected_victims_italy"].max(), 0.05)
        )
        if len(shown)
        else 1.0
    )
    source = _publisher(data, long=True) if len(data) else ""
    figure = go.Figure()
    figure.add_scatter(x=[0, top], y=[0, top], mode="lines", name="Equal shares",
                       line={"color": "#999999", "dash": "dash"}, hoverinfo="skip")  # fmt: skip
    figure.add_scatter(
        x=shown["share_of_arrivals_italy"], y=shown["share_of_detected_victims_italy"], mode="markers+text",
        text=shown["nationality_iso3"], textposition="top center", name=f"Both shares reported ({len(shown)})",
        marker={"size": 9, "color": "#0072B2", "line": {"width": 0.5, "color": "#333"}},
        customdata=shown[["arrivals_italy", "detected_victims_italy"]].to_numpy(dtype="object"),
        hovertemplate="%{text}: %{x:.1%} of arrivals (%{customdata[0]:,}), %{y:.1%} of detected victims "
        "(%{customdata[1]:,})<extra></extra>",
    )  # fmt: skip
    # what is not plotted gets a legend entry with its count, never a point at 0
    for short, _, names in left_out(data):
        figure.add_scatter(x=[None], y=[None], mode="markers", name=f"not plotted: {short} ({len(names)})",
                           marker={"symbol": "circle-open", "size": 9, "color": "#999999"}, hoverinfo="skip")  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title(
            f"Italy {year}: share of sea arrivals and of detected trafficking victims, by nationality<br>"
            f"<sup>Arrivals: {source or 'not reported'}; detected victims: UNODC GLOTIP</sup>",
            sample,
        ),
        margin=_top_margin(sample),
        height=HEIGHT,
        showlegend=True,
        legend={
            "orientation": "v",
            "x": 1.02,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "font": {"size": 11},
        },
    )
    figure.update_xaxes(tickformat=".0%", title_text="Share of sea arrivals to Italy", rangemode="tozero")
    figure.update_yaxes(
        tickformat=".0%", title_text="Share of trafficking victims detected in Italy", rangemode="tozero"
    )
    return figure


LAGGED = "nexus_frontex_lagged"
LAGGED_COLUMNS = [
    "victims_year", "lag_years", "crossing_year", "nationality_key", "nationality", "nationality_kind", "is_national",
    "shown", "frontex_share_percent", "frontex_status", "share_of_detected_victims_italy", "victims_share_status",
    "frontex_detections", "frontex_route_detections", "detected_victims_italy", "detected_victims_italy_total",
    "victims_status",
]  # fmt: skip
LAG_WORDS = {0: "the same year", 1: "one year earlier", 2: "two years earlier", 3: "three years earlier"}


def lagged_data(lagged: pd.DataFrame) -> pd.DataFrame:
    """Every row of the latest victims year in which at least one nationality has both shares reported at lag 0,
    for the four lags: the plotted ones (shown: both shares reported, not nationals) and the others with their
    status, never a share filled in as 0."""
    both = lagged[
        (lagged["lag_years"] == 0)
        & (lagged["frontex_status"] == "reported")
        & (lagged["victims_share_status"] == "reported")
    ]
    if both.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LAGGED_COLUMNS})
    year = int(both["victims_year"].max())
    data = lagged[lagged["victims_year"] == year].copy()
    data["shown"] = (
        (data["frontex_status"] == "reported")
        & (data["victims_share_status"] == "reported")
        & ~data["is_national"].astype(bool)
    )
    data = data.sort_values(["lag_years", "shown", "frontex_share_percent", "detected_victims_italy", "nationality_key"],
                            ascending=[True, False, False, False, True], na_position="last")  # fmt: skip
    counts = [
        "frontex_detections",
        "frontex_route_detections",
        "detected_victims_italy",
        "detected_victims_italy_total",
    ]
    return as_counts(data[LAGGED_COLUMNS], counts).reset_index(drop=True)


FRONTEX_WORDS = {"not in Frontex list": "not in Frontex's list", "not reported": "no Frontex figure"}


def lagged_left_out(part: pd.DataFrame) -> list[tuple[str, int]]:
    """Why the rows of one lag are not plotted: (reason, count), the largest group first. Only nationalities one
    publisher or the other gives a figure for are counted (a nationality neither lists is no row at all)."""
    groups: dict[str, int] = {}
    for row in part[~part["shown"].astype(bool)].itertuples():
        frontex = FRONTEX_WORDS.get(row.frontex_status, f"Frontex {row.frontex_status}")
        if row.is_national:
            reason = "Italian nationals (victims, not counted by Frontex)"
        elif row.frontex_status != "reported" and row.victims_share_status != "reported":
            reason = f"{frontex}, victims {row.victims_share_status}"
        elif row.frontex_status != "reported":
            reason = f"victims reported, {frontex}"
        else:
            reason = f"in Frontex's list, victims {row.victims_share_status}"
        groups[reason] = groups.get(reason, 0) + 1
    return sorted(groups.items(), key=lambda item: (-item[1], item[0]))


def lagged_caption_note(data: pd.DataFrame) -> str:
    note = ("Different definitions, side by side: a share of Frontex detections (detections, not persons, of "
            "third-country nationals on the Central Mediterranean route, the complete list with unknown and "
            "unspecified categories) beside a share of the trafficking victims detected in Italy (UNODC) does not "
            "say that anyone detected at the border was trafficked; a victim detected in a year may have arrived "
            "in any year and by any route.")  # fmt: skip
    if data.empty:
        return note + " No year has both shares reported."
    year = int(data["victims_year"].iloc[0])
    total = data["detected_victims_italy_total"].dropna()
    note += (
        f" Victim shares: of UNODC's national total of {int(total.iloc[0]):,} victims detected in Italy in {year}."
        if len(total)
        else ""
    )
    nationals = data[data["is_national"].astype(bool) & (data["lag_years"] == 0)]
    if len(nationals) and pd.notna(nationals["detected_victims_italy"].iloc[0]):
        row = nationals.iloc[0]
        share = row["share_of_detected_victims_italy"]
        note += (f" Italian nationals: {int(row['detected_victims_italy']):,} detected victims"
                 + (f" ({share:.1%} of the total)" if pd.notna(share) else "")
                 + ", reported separately: Frontex does not count nationals.")  # fmt: skip
    panels, outs = [], {}
    for lag, part in data.groupby("lag_years", sort=True):
        route = part["frontex_route_detections"].dropna()
        crossing = int(part["crossing_year"].iloc[0])
        panels.append(f"detections in {crossing} ({LAG_WORDS.get(int(lag), f't-{lag}')}"
                      + (f", {int(route.iloc[0]):,} on the route" if len(route) else ", no complete Frontex year")
                      + f"): {int(part['shown'].sum())} nationalities plotted")  # fmt: skip
        outs[crossing] = "; ".join(f"{reason}: {count}" for reason, count in lagged_left_out(part))
    note += " Panels: " + " | ".join(panels) + "."
    if len(set(outs.values())) == 1:
        note += f" Not plotted in each panel: {next(iter(outs.values()))}."
    else:
        note += " Not plotted: " + " | ".join(f"{year}: {out}" for year, out in outs.items() if out) + "."
    return note + " A value not published is never drawn as 0."


def build_lagged(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    lags = sorted(int(v) for v in data["lag_years"].dropna().unique()) if len(data) else [0, 1, 2, 3]
    year = int(data["victims_year"].iloc[0]) if len(data) else None
    titles = [
        f"Frontex detections in {year - lag} ({LAG_WORDS.get(lag, f't-{lag}')})" if year else f"lag {lag}"
        for lag in lags
    ]
    figure = make_subplots(
        rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.1, vertical_spacing=0.14
    )
    shown_all = data[data["shown"].astype(bool)] if len(data) else data
    top = float(max((shown_all["frontex_share_percent"] / 100).max(),
                    shown_all["share_of_detected_victims_italy"].max(), 0.05)) if len(shown_all) else 1.0  # fmt: skip
    for i, lag in enumerate(lags):
        row, col = i // 2 + 1, i % 2 + 1
        part = shown_all[shown_all["lag_years"] == lag] if len(shown_all) else shown_all
        figure.add_scatter(x=[0, top], y=[0, top], mode="lines", name="Equal shares", line={"color": "#999999", "dash": "dash"}, hoverinfo="skip",
                           row=row, col=col)  # fmt: skip
        figure.add_scatter(
            x=part["frontex_share_percent"] / 100, y=part["share_of_detected_victims_italy"], mode="markers+text",
            text=part["nationality_key"], textposition="top center", textfont={"size": 9},
            name="Both shares reported",
            marker={"size": 8, "symbol": "circle", "color": "#0072B2", "line": {"width": 0.5, "color": "#333"}},
            customdata=part[["frontex_detections", "detected_victims_italy"]].to_numpy(dtype="object"),
            hovertemplate="%{text}: %{x:.1%} of Frontex detections (%{customdata[0]:,}), %{y:.1%} of detected "
            "victims (%{customdata[1]:,})<extra></extra>", row=row, col=col,
        )  # fmt: skip
        figure.update_xaxes(tickformat=".0%", rangemode="tozero", row=row, col=col,
                            title_text="Share of Frontex detections, Central Mediterranean" if row == 2 else None)  # fmt: skip
        figure.update_yaxes(tickformat=".0%", rangemode="tozero", row=row, col=col,
                            title_text="Share of victims detected in Italy" if col == 1 else None)  # fmt: skip
    figure.update_layout(
        template=TEMPLATE,
        title=_title(
            f"Italy: trafficking victims detected in {year or '(no year)'} and Central Mediterranean border "
            "detections<br>0 to 3 years earlier, share of each by nationality<br>"
            "<sup>Victims: UNODC GLOTIP; detections: Frontex (detections, not persons); dashed line: equal shares; "
            "Italian nationals reported separately</sup>",
            sample,
        ),
        margin=_top_margin(sample),
        height=HEIGHT,
        showlegend=False,
    )
    figure.update_layout(margin={"t": figure.layout.margin.t + 30})
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
        dg.AssetKey(["curated", t])
        for t in ("nexus_by_nationality", "glotip_revisions", "source_snapshots", LAGGED)
    ],
    group_name="reports",
    kinds={"plotly"},
    metadata={"optional_inputs": [f"curated/{LAGGED}"]},
)
def nexus_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The nexus (share of arrivals vs share of detected trafficking victims in Italy, by nationality) and the
    revisions between the two newest GLOTIP releases; each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        nexus = con.execute("select * from curated.nexus_by_nationality").df()
        revisions = con.execute("select * from curated.glotip_revisions").df()
        snapshots = con.execute("select * from curated.source_snapshots").df()
        lagged = (
            con.execute(f"select * from curated.{LAGGED}").df() if has_table(con, "curated", LAGGED) else None
        )
    sample = bool(snapshots["sample"].any())
    used = snapshots[snapshots["source"].isin(["unodc_glotip", "unhcr_odp", "italy_moi"])
                     & ~snapshots["raw_table"].isin(["raw.italy_moi__anagrafica_report"])]  # fmt: skip
    nexus_frame, revisions_frame = nexus_data(nexus), revisions_data(revisions)
    caption = figures.caption_for(used, nexus_caption_note(nexus_frame))
    glotip = snapshots[snapshots["source"] == "unodc_glotip"]
    releases = " and ".join(
        sorted({str(v)[:10] for v in revisions[["previous_release", "current_release"]].stack()})
    )
    charts = [
        Chart("nexus_arrivals_vs_trafficking_victims", "Share of arrivals and share of detected trafficking victims",
              build_nexus(nexus_frame, sample=sample), nexus_frame, caption),
        Chart("glotip_revisions", "GLOTIP values revised between releases",
              build_revisions(revisions_frame, releases or "(one release loaded)", sample=sample), revisions_frame,
              figures.caption_for(glotip)),
    ]  # fmt: skip
    if lagged is not None:  # the Frontex basis, when Frontex is imported
        lagged_frame = lagged_data(lagged)
        frontex = snapshots[snapshots["source"].isin(["unodc_glotip", "frontex_ibc"])]
        charts.insert(0, Chart(
            "nexus_victims_vs_frontex_detections_lagged",
            "Share of detected trafficking victims and of Frontex detections, 0 to 3 years earlier",
            build_lagged(lagged_frame, sample=sample), lagged_frame,
            figures.caption_for(frontex, lagged_caption_note(lagged_frame))))  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"nexus charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written)})


ASSETS = [nexus_charts]
