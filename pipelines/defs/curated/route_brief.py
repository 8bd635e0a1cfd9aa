"""The brief's route section: the figures of the route from Libya (attempted crossings, returns to Libya,
departures by country, deaths by country of incident, the two proxy indicators, the nexus on the Frontex basis),
each read from its curated table with its citation, and the numbered list of every published figure the build
holds, each with its document, address, publication and access dates."""

from __future__ import annotations

import pandas as pd

from pipelines.defs.curated.citations import cite
from pipelines.lib.sql import has_table

# The route's charts, shown in the route section in this order (the others stay under "Charts").
CHARTS = [
    "libya_interceptions_returns_yearly", "central_med_mortality_two_denominators", "departures_by_country_yearly",
    "dead_missing_by_incident_country_yearly", "frontex_nationality_mix_yearly", "route_proxy_indicators_yearly",
    "nexus_victims_vs_frontex_detections_lagged",
]  # fmt: skip


def cited_figures(con) -> pd.DataFrame:  # noqa: ANN001
    """Every row of curated.published_figures, numbered ([1], [2] …) in the order series, period, preferred first:
    the list the route section's figures point to. Empty when the published figures are not built."""
    if not has_table(con, "curated", "published_figures"):
        return pd.DataFrame(columns=["number", "figure_id"])
    rows = con.execute(
        "select * from curated.published_figures order by series, geo_iso3, period_start, is_preferred desc, "
        "figure_id"
    ).df()
    rows.insert(0, "number", range(1, len(rows) + 1))
    return rows


def _refs(cited: pd.DataFrame, *figure_ids: object) -> str:
    numbers = [
        int(n)
        for n in cited.loc[cited["figure_id"].isin([f for f in figure_ids if isinstance(f, str)]), "number"]
    ]
    return "".join(f"[{n}]" for n in sorted(numbers))


def _count(value: object) -> str:
    return f"{int(value):,}"


def _card(label: str, value: str, citation: str, refs: str = "") -> dict:
    return {"label": label, "value": value, "citation": citation, "refs": refs}


def _latest(con, table: str, where: str, order: str = "year desc") -> pd.DataFrame:  # noqa: ANN001
    """Rows of curated.`table` matching `where`, newest first; empty when the table is not built."""
    if not has_table(con, "curated", table):
        return pd.DataFrame()
    return con.execute(f"select * from curated.{table} where {where} order by {order}").df()


def route_figures(con, snapshots: pd.DataFrame, cited: pd.DataFrame) -> list[dict]:  # noqa: ANN001
    """The route's figures, each {label, value, citation, refs}: refs are the numbers of the published figures
    it uses (resolved in the cited list). A figure whose table is not built, or that has no complete year, is
    left out rather than shown partial."""
    found: list[dict] = []
    arrivals_sources = cite(snapshots, ["iom_mmp", "unhcr_odp", "italy_moi"])
    attempts = _latest(con, "central_med_attempts_yearly", "attempted_crossings is not null")
    if len(attempts):
        row = attempts.iloc[0]
        refs = _refs(cited, row["intercepted_figure_id"])
        year = int(row["year"])
        found.append(_card(
            f"Attempted crossings from North Africa, Central Mediterranean, {year} (sea arrivals, "
            f"{row['arrivals_include']}, {_count(row['arrivals'])} + returned to Libya "
            f"{_count(row['intercepted_returned_libya'])} + dead and missing {_count(row['dead_and_missing'])}; "
            "Tunisia's interceptions not included)",
            _count(row["attempted_crossings"]), f"{arrivals_sources}; returns to Libya {refs}", refs))  # fmt: skip
        found.append(_card(
            f"Dead and missing per 1,000 attempted crossings, {year} (per 1,000 over arrivals + dead and missing: "
            f"{row['mortality_per_1000_arrivals_basis']:.1f})",
            f"{row['mortality_per_1000_attempts']:.1f}", f"{arrivals_sources}; returns to Libya {refs}", refs))  # fmt: skip
    if len(cited) and "series" in cited.columns:
        returns = cited[(cited["series"] == "intercepted_returned_to_libya") & cited["is_preferred"].astype(bool)
                        & ~cited["is_partial"].astype(bool)].sort_values("period_start")  # fmt: skip
        if len(returns):
            row = returns.iloc[-1]
            refs = _refs(cited, row["figure_id"])
            found.append(_card(f"People intercepted at sea and returned to Libya, {int(row['year'])} ({row['publisher']})",
                               _count(row["value"]), f"{row['citation']} {refs}", refs))  # fmt: skip
    departures = _latest(con, "departures_by_country_yearly", "is_preferred and not is_partial and measure = 'share'",
                         "year desc, share_percent desc")  # fmt: skip
    if len(departures):
        year = int(departures["year"].iloc[0])
        part = departures[departures["year"] == year]
        refs = _refs(cited, *part["figure_id"])
        found.append(_card(
            f"Sea arrivals to Italy by country of departure, {year} (share of the year's arrivals)",
            ", ".join(f"{r.country_of_departure} {r.share_percent:.0f} %" for r in part.itertuples()),
            f"{part['citation'].iloc[0]} {refs}", refs))  # fmt: skip
    places = _latest(
        con, "dead_missing_by_incident_country_yearly", "is_complete and country_iso3 in ('LBY', 'TUN')"
    )
    if len(places):
        year = int(places["year"].iloc[0])
        part = places[places["year"] == year].sort_values("dead_and_missing", ascending=False)
        found.append(_card(
            f"Dead and missing by country of incident, Central Mediterranean, {year} (IOM; the nearest coast where "
            "the snapshot gives no country)",
            ", ".join(f"{r.country} {_count(r.dead_and_missing)}" for r in part.itertuples()),
            cite(snapshots, ["iom_mmp"])))  # fmt: skip
    proxies = _latest(
        con, "proxy_indicators_yearly", "is_complete and value is not null and area in ('ITA', 'ITA+MLT')"
    )
    for source, label in (
        ("frontex_ibc", "Detections of illegal border-crossing, Central Mediterranean route (Frontex; detections, "
                        "not persons)"),
        ("eurostat_eipre", "Third-country nationals found illegally present in Italy (Eurostat)"),
    ):  # fmt: skip
        part = proxies[proxies["indicator_source"] == source] if len(proxies) else proxies
        if len(part):
            row = part.iloc[0]
            found.append(
                _card(f"{label}, {int(row['year'])}", _count(row["value"]), cite(snapshots, [source]))
            )
    nationals = _latest(con, "nexus_frontex_lagged", "is_national and lag_years = 0 and victims_share_status = "
                        "'reported'", "victims_year desc")  # fmt: skip
    if len(nationals):
        row = nationals.iloc[0]
        found.append(_card(
            f"Share of the trafficking victims detected in Italy who were Italian nationals, {int(row['victims_year'])} "
            f"({_count(row['detected_victims_italy'])} of {_count(row['detected_victims_italy_total'])}; not among "
            "Frontex's border detections)",
            f"{row['share_of_detected_victims_italy']:.1%}", cite(snapshots, ["unodc_glotip"])))  # fmt: skip
    return found
