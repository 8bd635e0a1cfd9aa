"""The peer: the straightforward script an analyst would write for the same core tables and charts.

pandas `read_csv` / `read_excel` with their default engines (openpyxl for xlsx), pandas groupbys, and
plotly `write_html` / `write_image` per chart (each `write_image` call starts its own browser, as plotly
does by default). No provenance, no validation, no database: the floor the pipeline is compared with.

    python -m benchmarks.peer OUT_DIR [--shared ../shared/data]

Core tables (CSV in OUT_DIR): Central Mediterranean dead and missing by month and by year, Italy sea
arrivals by month (UNHCR monthly series, then the ministry's daily landings from September 2019),
mortality per 1,000 attempted crossings by route and year, UNODC detected trafficking victims in Italy.
Core charts (HTML, PNG, SVG each): the same four, plus the map of Central Mediterranean incidents.
Prints one JSON line with the seconds of each phase.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PHASES: dict[str, float] = {}
WIDTH, HEIGHT, SCALE = 900, 520, 2
ROUTES = {  # route: (MMP route label, [(UNHCR geo id, population group)])
    "Central Mediterranean": ("Central Mediterranean", [(656, 4797), (690, 4797)]),
    "Eastern Mediterranean": ("Eastern Mediterranean", [(640, 4797), (616, 4797)]),
    "Western Mediterranean": ("Western Mediterranean", [(729, 4797)]),
}


class phase:
    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        PHASES[self.name] = PHASES.get(self.name, 0.0) + time.perf_counter() - self.start


def unhcr_monthly(folder: Path, geo: int, group: int):  # noqa: ANN201
    import pandas as pd

    frames = []
    for path in sorted(folder.glob(f"timeseries_month_geo{geo}_group{group}_*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))["data"]["timeseries"]
        frames.append(pd.DataFrame(rows))
    data = pd.concat(frames, ignore_index=True)
    data["month"] = pd.to_datetime(dict(year=data["year"], month=data["month"], day=1))
    return (
        data.groupby("month", as_index=False)["individuals"].sum().rename(columns={"individuals": "arrivals"})
    )


def _shared() -> Path:
    import os

    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("MIGRATION_BENCH_SHARED_DATA") or default)


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    args = parser.parse_args(argv)
    out, shared = args.out_dir, args.shared or _shared()
    out.mkdir(parents=True, exist_ok=True)

    with phase("import"):
        import pandas as pd
        import plotly.graph_objects as go
        import plotly.io as pio

    # The one setting an offline machine needs: plotly.js fetches map outlines from its CDN by default.
    pio.defaults.topojson = (Path(__file__).resolve().parents[1] / "vendor" / "topojson").as_uri() + "/"

    with phase("read"):
        mmp = pd.read_csv(shared / "mmp" / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv")
        landings = pd.read_csv(shared / "italy_moi" / "sbarchi-per-giorno.csv")
        glotip = pd.read_excel(shared / "glotip" / "data_glotip_2025-04-14.xlsx", header=2)

    with phase("tables"):
        # Central Mediterranean dead and missing, by month and by year
        total = "Total Number of Dead and Missing"
        mmp["date"] = pd.to_datetime(mmp["Incident Date"], errors="coerce")
        mmp["month"] = mmp["date"].dt.to_period("M").dt.to_timestamp()
        central = mmp[mmp["Migration Route"] == "Central Mediterranean"]
        counts = ["Number of Dead", "Minimum Estimated Number of Missing", total]
        deaths_month = central.groupby("month", as_index=False)[counts].sum()
        deaths_month["incidents"] = central.groupby("month").size().values
        deaths_year = central.groupby("Incident Year", as_index=False)[total].sum()

        # Italy sea arrivals by month: UNHCR's series, then the ministry's daily landings (latest report per day)
        unhcr = unhcr_monthly(shared / "unhcr", 656, 4797)
        landings["day"] = pd.to_datetime(landings["Data"], errors="coerce")
        landings["report"] = pd.to_datetime(landings["Data_Report"], errors="coerce")
        landings["arrivals"] = pd.to_numeric(landings["Valore"], errors="coerce")
        latest = landings.dropna(subset=["day"]).sort_values("report").drop_duplicates("day", keep="last")
        latest = latest[latest["day"] <= latest["report"]]
        ministry = latest.groupby(latest["day"].dt.to_period("M").dt.to_timestamp())["arrivals"].sum()
        ministry = ministry.rename_axis("month").reset_index()
        first_ministry = ministry["month"].min()
        italy = pd.concat(
            [
                unhcr[unhcr["month"] < first_ministry].assign(source="UNHCR"),
                ministry.assign(source="ministry"),
            ],
            ignore_index=True,
        ).sort_values("month")

        # Mortality per 1,000 attempted crossings by route and year (years with 12 months of arrivals)
        mortality = []
        for route, (label, series) in ROUTES.items():
            arrivals = pd.concat([unhcr_monthly(shared / "unhcr", g, p) for g, p in series])
            if route == "Central Mediterranean":
                arrivals = pd.concat([arrivals[arrivals["month"] < first_ministry], ministry])
            yearly = arrivals.groupby(arrivals["month"].dt.year).agg(
                arrivals=("arrivals", "sum"), months=("month", "nunique")
            )
            dead = mmp[mmp["Migration Route"] == label].groupby("Incident Year")[total].sum()
            yearly = yearly.join(dead.rename("dead_and_missing"), how="outer").fillna({"dead_and_missing": 0})
            yearly["mortality_per_1000"] = (
                1000 * yearly["dead_and_missing"] / (yearly["arrivals"] + yearly["dead_and_missing"])
            ).where(yearly["months"] == 12)
            mortality.append(yearly.rename_axis("year").reset_index().assign(route=route))
        mortality = pd.concat(mortality, ignore_index=True)

        # UNODC detected trafficking victims in Italy, national total
        victims = glotip[
            (glotip["Country"] == "Italy")
            & (glotip["Indicator"] == "Detected trafficking victims")
            & (glotip["Dimension"] == "Total")
            & (glotip["Sex"] == "Total")
            & (glotip["Age"] == "Total")
        ].copy()
        victims["victims"] = pd.to_numeric(
            victims["txtVALUE"].astype(str).str.replace(",", ""), errors="coerce"
        )
        victims = victims.groupby("Year", as_index=False)["victims"].sum()

        # Map points: Central Mediterranean incidents with coordinates
        coords = central["Coordinates"].str.split(",", expand=True)
        points = central.assign(
            lat=pd.to_numeric(coords[0], errors="coerce"), lon=pd.to_numeric(coords[1], errors="coerce")
        )
        points = points.dropna(subset=["lat", "lon"])
        points = points[points[total] > 0]

        for name, table in {
            "central_med_deaths_by_month": deaths_month,
            "central_med_deaths_by_year": deaths_year,
            "italy_arrivals_by_month": italy,
            "mortality_by_route_year": mortality,
            "italy_detected_victims": victims,
        }.items():
            table.to_csv(out / f"{name}.csv", index=False)

    with phase("figures"):
        charts = {}
        fig = go.Figure(go.Bar(x=deaths_month["month"], y=deaths_month[total], name="Dead and missing"))
        rolling = deaths_month.set_index("month")[total].rolling(12).mean()
        fig.add_scatter(x=rolling.index, y=rolling.values, mode="lines", name="12-month average")
        fig.update_layout(title="Central Mediterranean: dead and missing by month")
        charts["central_med_dead_missing_monthly"] = fig

        fig = go.Figure(
            go.Scattergeo(
                lat=points["lat"], lon=points["lon"], mode="markers",
                marker={"size": points[total].clip(lower=1), "sizemode": "area", "sizemin": 2,
                        "sizeref": 2.0 * points[total].max() / 40**2, "color": points["Incident Year"]},
            )
        )  # fmt: skip
        fig.update_geos(
            projection_type="mercator", lataxis_range=[29, 41], lonaxis_range=[5, 26], resolution=50
        )
        fig.update_layout(title="Central Mediterranean: incidents by dead and missing")
        charts["central_med_incident_map"] = fig

        fig = go.Figure(go.Bar(x=italy["month"], y=italy["arrivals"], name="Sea arrivals to Italy"))
        fig.add_scatter(x=deaths_month["month"], y=deaths_month[total], name="Dead and missing", yaxis="y2")
        fig.update_layout(title="Italy: sea arrivals by month", yaxis2={"overlaying": "y", "side": "right"})
        charts["italy_sea_arrivals_monthly"] = fig

        fig = go.Figure()
        for route, part in mortality.groupby("route"):
            fig.add_scatter(x=part["year"], y=part["mortality_per_1000"], mode="lines+markers", name=route)
        fig.update_layout(title="Dead and missing per 1,000 attempted crossings, by route")
        charts["route_mortality_yearly"] = fig

        fig = go.Figure(go.Bar(x=victims["Year"], y=victims["victims"]))
        fig.update_layout(title="Italy: detected victims of trafficking (UNODC)")
        charts["italy_detected_victims"] = fig

    for name, fig in charts.items():
        with phase("write_html"):
            fig.write_html(out / f"{name}.html")
        with phase("write_image"):
            fig.write_image(out / f"{name}.png", width=WIDTH, height=HEIGHT, scale=SCALE)
            fig.write_image(out / f"{name}.svg", width=WIDTH, height=HEIGHT)

    PHASES["total_in_process"] = time.perf_counter() - started
    print(json.dumps({"peer_phases": {k: round(v, 3) for k, v in PHASES.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
