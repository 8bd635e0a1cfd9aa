"""The route chart asset: returns to Libya, the proxy indicators side by side and mortality over two
denominators, each with the citation of every figure it plots."""

import dagster as dg

from pipelines.defs.curated import figures
from pipelines.defs.curated import route_figures as rf
from pipelines.lib.chart_export import Chart, export_charts
from pipelines.lib.warehouse import Warehouse


@dg.asset(
    key=["reports", "route_charts"],
    deps=[
        dg.AssetKey(["curated", "published_figures"]),
        dg.AssetKey(["curated", "proxy_indicators_yearly"]),
        dg.AssetKey(["curated", "central_med_attempts_yearly"]),
        dg.AssetKey(["curated", "source_snapshots"]),
        dg.AssetKey(["curated", "departures_by_country_yearly"]),
        dg.AssetKey(["curated", "dead_missing_by_incident_country_yearly"]),
        dg.AssetKey(["curated", "frontex_nationality_mix_yearly"]),
    ],
    group_name="reports",
    kinds={"plotly"},
)
def route_charts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """People intercepted and returned to Libya by year (IOM Libya's published figures, each cited), Frontex
    detections beside Eurostat's found-illegally-present for Italy and Malta, and Central Mediterranean mortality
    over attempts and over arrivals; each as HTML, fragment, PNG, SVG, CSV and caption."""
    with warehouse.connect() as con:
        published = con.execute("select * from curated.published_figures").df()
        proxies = con.execute("select * from curated.proxy_indicators_yearly").df()
        attempts = con.execute("select * from curated.central_med_attempts_yearly").df()
        snapshots = con.execute("select * from curated.source_snapshots").df()
        departures_table = con.execute("select * from curated.departures_by_country_yearly").df()
        by_country = con.execute("select * from curated.dead_missing_by_incident_country_yearly").df()
        mix_table = con.execute("select * from curated.frontex_nationality_mix_yearly").df()

    def sources(*names: str) -> object:
        return snapshots[snapshots["source"].isin(names)]

    sample = bool(snapshots["sample"].any())
    returns = rf.returns_data(published)
    proxy = rf.proxy_data(proxies)
    mortality = rf.mortality_data(attempts)
    departures = rf.departures_data(departures_table)
    incident_country = rf.incident_country_data(by_country)
    mix = rf.nationality_mix_data(mix_table)
    left = rf.partial_years(mix_table)
    returns_figures = published[published["figure_id"].isin(returns["figure_id"])]
    charts = [
        Chart("libya_interceptions_returns_yearly", "People intercepted at sea and returned to Libya, by year",
              rf.build_returns(returns, sample=sample), returns,
              figures.caption_for(sources("published_figures"), rf.figure_citations(returns_figures)
                                  + " A hatched bar is a partial year, to the date shown.")),
        Chart("route_proxy_indicators_yearly", "Proxy indicators: Frontex detections and Eurostat found illegally present",
              rf.build_proxies(proxy, sample=sample), proxy,
              figures.caption_for(sources("frontex_ibc", "eurostat_eipre"), "Frontex counts detections, not persons; "
                                  "Eurostat counts persons found illegally present. Different units: never add them. "
                                  "An open marker is a partial year.")),
        Chart("central_med_mortality_two_denominators", "Central Mediterranean mortality over two denominators",
              rf.build_mortality(mortality, sample=sample), mortality,
              figures.caption_for(sources("iom_mmp", "unhcr_odp", "italy_moi", "published_figures"),
                                  rf.figure_citations(mortality.rename(columns={"intercepted_citation": "citation"}))
                                  + " Interceptions by Tunisia are in no figure used here (Libya only); a gap is a "
                                  "year an input does not cover completely.")),
        Chart("departures_by_country_yearly", "Sea arrivals to Italy by country of departure, by year",
              rf.build_departures(departures, sample=sample), departures,
              figures.caption_for(sources("published_figures"), rf.figure_citations(departures)
                                  + " Shares (percent of the year's arrivals) and counts (persons) are different "
                                  "units in separate panels, never added; a hatched bar is a partial period, to the "
                                  "date shown; 'about' marks an approximate figure. A country or year without a bar "
                                  "is not reported.")),
        Chart("dead_missing_by_incident_country_yearly", "Central Mediterranean dead and missing by country of incident",
              rf.build_incident_country(incident_country, sample=sample), incident_country,
              figures.caption_for(sources("iom_mmp"), "Country of incident as IOM reports it; for a snapshot without "
                                  "that field, the nearest coast to the incident's coordinates (Natural Earth 1:50m "
                                  "shapes, plus Lampedusa, Linosa and Lampione, absent at that scale); 'unknown' "
                                  "when neither is given. Minimum counts. A hatched bar is a year the snapshots "
                                  "cover only in part.")),
        Chart("frontex_nationality_mix_yearly", "Central Mediterranean detections by nationality, by year (Frontex)",
              rf.build_nationality_mix(mix, sample=sample), mix,
              figures.caption_for(sources("frontex_ibc"), "Frontex counts detections of illegal border-crossing, not "
                                  f"persons. The {rf.MIX_TOP} nationalities most detected over the complete years are "
                                  "named; every other nationality Frontex lists (and the designations Kosovo*, "
                                  "Palestine^) is one band, and its unknown and unspecified categories another, so "
                                  "each year adds up to 100 %. Only years the workbooks cover completely are drawn"
                                  + (f"; left out: {left}." if left else ".")
                                  + " The complete list is curated.frontex_nationality_mix_yearly.")),
    ]  # fmt: skip
    paths = warehouse.paths()
    written = export_charts(
        charts, paths.charts_dir, paths.assets_dir, static=warehouse.static_images, defer=True
    )
    context.log.info(f"route charts written to {paths.charts_dir}")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written), "sample": sample})


ASSETS = [route_charts]
