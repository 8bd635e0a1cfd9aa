"""Figure logic: pure functions from a curated frame to a Plotly figure. Files are written by charts.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib import theme

TEMPLATE = theme.register()

SAMPLE_LABEL = "SAMPLE DATA — synthetic, not for citation"


def caption_for(snapshots: pd.DataFrame, note: str = "") -> str:
    """Names every source the figure rests on, with its files, dates and licence (one sentence per source)."""
    parts = []
    for citation, group in snapshots.groupby("citation", sort=True):
        names = sorted(group["original_name"].unique())
        if len(names) <= 2:
            files = "file " + " and ".join(
                f"{n} (sha256 {group.loc[group['original_name'] == n, 'sha256'].iloc[0][:12]})" for n in names
            )
        else:
            files = f"{len(names)} files"
        accessed = sorted({_date(v) for v in group["accessed"]})
        published = sorted({_date(v) for v in group["published"].dropna()})
        dates = f"accessed {_span(accessed)}" + (f", published {_span(published)}" if published else "")
        if "data_covers_to" in group.columns and group["data_covers_to"].notna().any():
            first = (
                min(_date(v) for v in group["data_covers_from"].dropna())
                if group["data_covers_from"].notna().any()
                else "?"
            )
            dates += f", data cover {first} to {max(_date(v) for v in group['data_covers_to'].dropna())}"
        parts.append(f"Source: {citation} ({files}, {dates}). Licence: {group['licence'].iloc[0]}.")
    text = " ".join(parts)
    text += " Exact files and checksums: curated.source_snapshots."
    text += f" {note}" if note else ""
    if snapshots["sample"].any():
        text = f"{SAMPLE_LABEL}. " + text
    return text


def _span(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"{values[0]} to {values[-1]}"


def _date(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


def _title(title: str, sample: bool) -> dict:
    text = f"{SAMPLE_LABEL}<br>{title}" if sample else title
    return {"text": text, "y": 0.97, "yanchor": "top"}


def _top_margin(sample: bool) -> dict:
    return {"t": 130 if sample else 95}


NO_DATA_COLOR = "rgba(120, 120, 120, 0.14)"


def no_data_spans(months: pd.Series, missing: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of consecutive months where `missing` is true, as (first day of the first month, first day of the
    month after the last): the x-range a "no data" band covers."""
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    start = None
    ordered = pd.DataFrame({"month": pd.to_datetime(months), "missing": missing.astype(bool)}).sort_values(
        "month"
    )
    previous = None
    for month, gap in zip(ordered["month"], ordered["missing"], strict=True):
        if start is not None and previous is not None and month != previous + pd.offsets.MonthBegin(1):
            spans.append((start, previous + pd.offsets.MonthBegin(1)))  # the calendar skips a month: close
            start = None
        if gap and start is None:
            start = month
        if not gap and start is not None:
            spans.append((start, month))
            start = None
        previous = month
    if start is not None and previous is not None:
        spans.append((start, previous + pd.offsets.MonthBegin(1)))
    return spans


def add_no_data_bands(
    figure: go.Figure,
    spans: list[tuple[pd.Timestamp, pd.Timestamp]],
    label: str,
    position: str = "top left",
    **where: object,
) -> None:
    """A grey band over each span, the first one labelled at `position` (a gap in the data, never a value of 0;
    two kinds of band on one chart take different positions so their labels never overlap)."""
    for index, (start, end) in enumerate(spans):
        # annotation arguments only on the labelled band: Plotly writes "new text" for a band given a position
        # without a text
        label_args = (
            {"annotation_text": label, "annotation_position": position,
             "annotation_font": {"size": 10, "color": "#555"}}
            if index == 0
            else {}
        )  # fmt: skip
        figure.add_vrect(
            x0=start, x1=end, fillcolor=NO_DATA_COLOR, line_width=0, layer="below", **label_args, **where
        )


def as_counts(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Count columns as nullable integers: a chart CSV writes 12, not 12.0, and an empty cell for null."""
    data = data.copy()
    for column in columns:
        if column in data:
            data[column] = pd.array(data[column].round(), dtype="Int64")
    return data


def central_med_monthly_data(deaths: pd.DataFrame, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """Central Mediterranean dead and missing by month. With the Missing Migrants coverage
    (curated.mmp_coverage_monthly), every month of the coverage table is a row: a covered month with no incident
    is 0, a month no snapshot covers is null (a gap), a partly covered month is marked partial."""
    data = deaths.loc[
        deaths["route"] == "Central Mediterranean",
        ["month", "incidents", "dead", "missing", "dead_and_missing"],
    ].copy()
    data["month"] = pd.to_datetime(data["month"])
    if coverage is None:
        return data.sort_values("month").reset_index(drop=True)
    months = coverage[["month", "days_covered", "days_in_month"]].copy()
    months["month"] = pd.to_datetime(months["month"])
    data = months.merge(data, on="month", how="left")
    covered = data["days_covered"] > 0
    for column in ("incidents", "dead", "missing", "dead_and_missing"):
        data[column] = data[column].fillna(0).where(covered)
    data["coverage"] = [
        "not reported" if d == 0 else "complete" if d == n else "partial"
        for d, n in zip(data["days_covered"], data["days_in_month"], strict=True)
    ]
    data = as_counts(data, ["incidents", "dead", "missing", "dead_and_missing"])
    return data.sort_values("month").reset_index(drop=True)


def build_central_med_monthly(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Monthly dead and missing on the Central Mediterranean route, with the 12-month average. Months no
    snapshot covers are gaps under a "no data" band; partly covered months are hatched (a minimum) and left out
    of the average."""
    figure = go.Figure()
    values = pd.to_numeric(data["dead_and_missing"], errors="coerce").astype(float)
    coverage = data["coverage"] if "coverage" in data else pd.Series("complete", index=data.index)
    partial = coverage == "partial"
    figure.add_bar(
        x=data["month"][~partial], y=values[~partial], name="Dead and missing in the month",
        marker={"color": "#D55E00"},
    )  # fmt: skip
    if partial.any():
        figure.add_bar(
            x=data["month"][partial], y=values[partial], name="Partly covered month (a minimum)",
            marker={"color": "#D55E00", "opacity": 0.5, "pattern": {"shape": "/"}},
        )  # fmt: skip
    rolling = values.where(~partial).set_axis(data["month"]).rolling(12, min_periods=12).mean()
    figure.add_scatter(
        x=rolling.index, y=rolling.values, mode="lines", name="12-month average", line={"dash": "dash"}
    )
    add_no_data_bands(figure, no_data_spans(data["month"], coverage == "not reported"), "no data")
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Central Mediterranean: migrants recorded dead and missing, by month", sample),
        margin=_top_margin(sample),
        xaxis_title=None,
        yaxis_title="People dead and missing",
        legend={"orientation": "h", "y": 1.02, "x": 0},
        bargap=0.1,
        barmode="overlay",
    )
    return figure


# The columns of curated.mmp_incidents the map reads.
MAP_COLUMNS = (
    "incident_id", "incident_date", "year", "dead_and_missing", "lat", "lon", "route", "source_file", "source_row",
)  # fmt: skip


def central_med_map_data(incidents: pd.DataFrame) -> pd.DataFrame:
    keep = (
        (incidents["route"] == "Central Mediterranean")
        & incidents["lat"].notna()
        & incidents["dead_and_missing"].gt(0)
    )
    columns = [
        "incident_id",
        "incident_date",
        "year",
        "dead_and_missing",
        "lat",
        "lon",
        "source_file",
        "source_row",
    ]
    return incidents.loc[keep, columns].sort_values(["incident_date", "incident_id"]).reset_index(drop=True)


def _map_trace(data: pd.DataFrame, sizeref: float, visible: bool, name: str, colorbar: bool) -> go.Scattergeo:
    size = data["dead_and_missing"].clip(lower=1)
    return go.Scattergeo(
        lat=data["lat"],
        lon=data["lon"],
        mode="markers",
        name=name,
        visible=visible,
        marker={
            "size": size,
            "sizemode": "area",
            "sizeref": sizeref,
            "sizemin": 2,
            "color": data["year"],
            "colorscale": "Cividis",
            "cmin": float(data["year"].min()) if len(data) else 0,
            "cmax": float(data["year"].max()) if len(data) else 1,
            "colorbar": {"title": "Year"} if colorbar else None,
            "showscale": colorbar,
            "line": {"width": 0.5, "color": "#333"},
            "opacity": 0.75,
        },
        customdata=data[["incident_id", "incident_date", "dead_and_missing"]].astype(str),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]} dead and missing<extra></extra>",
    )


# Beyond this many incidents a map's markers cover each other and a browser draws it slowly (at 250,000 a static
# image takes half a minute): incidents of the same year within MAP_CELL_DEGREES are then drawn as one marker.
MAP_MARKER_LIMIT = 10_000
MAP_CELL_DEGREES = 0.1


def combine_nearby_incidents(data: pd.DataFrame) -> pd.DataFrame:
    """One row per year and cell of MAP_CELL_DEGREES (cell centre coordinates): dead and missing summed, the
    number of incidents, the first date; `incident_id` reads "N incidents"."""
    cells = data.assign(
        lat=(data["lat"] / MAP_CELL_DEGREES).round() * MAP_CELL_DEGREES,
        lon=(data["lon"] / MAP_CELL_DEGREES).round() * MAP_CELL_DEGREES,
    )
    combined = cells.groupby(["year", "lat", "lon"], as_index=False).agg(
        dead_and_missing=("dead_and_missing", "sum"),
        incidents=("dead_and_missing", "size"),
        first_date=("incident_date", "min"),
    )
    combined["lat"] = combined["lat"].round(4)
    combined["lon"] = combined["lon"].round(4)
    combined["incident_id"] = combined["incidents"].map(lambda n: f"{n:,} incident{'s' if n != 1 else ''}")
    combined["incident_date"] = "from " + combined["first_date"].astype(str)
    return combined


def build_central_med_map(data: pd.DataFrame, *, sample: bool = False) -> go.Figure:
    """Central Mediterranean incidents placed at their coordinates, sized by dead and missing, with a year
    selector (all years by default, which is also what the static images show). Above MAP_MARKER_LIMIT
    incidents, those of the same year within MAP_CELL_DEGREES are drawn as one marker, and the map says so."""
    incidents = len(data)
    combined = incidents > MAP_MARKER_LIMIT
    if combined:
        data = combine_nearby_incidents(data)
    sizeref = (
        2.0 * max(float(data["dead_and_missing"].clip(lower=1).max()) if len(data) else 1.0, 1.0) / 40.0**2
    )
    years = sorted(int(y) for y in data["year"].dropna().unique())
    figure = go.Figure([_map_trace(data, sizeref, True, "All years", True)])
    for year in years:
        part = data[data["year"] == year]
        figure.add_trace(_map_trace(part.assign(year=year), sizeref, False, str(year), False))
    buttons = [
        {"label": "All years", "method": "update", "args": [{"visible": [True] + [False] * len(years)}]}
    ]
    for index, year in enumerate(years):
        visible = [False] * (len(years) + 1)
        visible[index + 1] = True
        buttons.append({"label": str(year), "method": "update", "args": [{"visible": visible}]})
    figure.update_geos(
        projection_type="mercator",
        lataxis_range=[29, 41],
        lonaxis_range=[5, 26],
        showland=True,
        landcolor="#e8e8e8",
        showcountries=True,
        countrycolor="#999",
        showocean=True,
        oceancolor="#f4f8fb",
        resolution=50,
    )
    figure.update_layout(
        template=TEMPLATE,
        title=_title("Central Mediterranean: incidents by dead and missing", sample),
        margin=_top_margin(sample),
        showlegend=False,
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.08,
                "yanchor": "bottom",
                "showactive": True,
            }
        ],  # fmt: skip
    )
    if combined:
        figure.add_annotation(
            text=(
                f"{incidents:,} incidents: those of the same year within {MAP_CELL_DEGREES}° of each other are "
                f"drawn as one marker ({len(data):,} markers)"
            ),
            xref="paper", yref="paper", x=0, y=-0.02, xanchor="left", yanchor="top", showarrow=False,
            font={"size": 11},
        )  # fmt: skip
    return figure


def month_ranges(months: pd.Series) -> str:
    """Consecutive months as "2025-05 to 2025-12, 2026-06": how a caption names gaps."""
    spans = no_data_spans(months, pd.Series(True, index=months.index))
    parts = []
    for start, end in spans:
        last = end - pd.offsets.MonthBegin(1)
        first_text, last_text = start.strftime("%Y-%m"), last.strftime("%Y-%m")
        parts.append(first_text if first_text == last_text else f"{first_text} to {last_text}")
    return ", ".join(parts)


def mmp_gaps_note(data: pd.DataFrame) -> str:
    """Caption sentence naming the months without Missing Migrants coverage and the partly covered ones."""
    if "coverage" not in data:
        return ""
    missing = data.loc[data["coverage"] == "not reported", "month"]
    partial = data.loc[data["coverage"] == "partial", "month"]
    parts = []
    if len(missing):
        parts.append(f"No Missing Migrants snapshot covers {month_ranges(missing)}: no data (a gap, not 0).")
    if len(partial):
        parts.append(f"Partly covered months (a minimum): {month_ranges(partial)}.")
    return " ".join(parts)
