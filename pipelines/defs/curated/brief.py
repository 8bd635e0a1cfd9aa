"""The evidence brief: reports/index.html (key figures with citations, every chart, the data vintages),
reports/validation/index.html, and the data dictionary (HTML and CSV)."""

import datetime as dt

import dagster as dg

from pipelines.defs.curated import brief_page, route_brief
from pipelines.defs.curated.citations import snapshots_in_use
from pipelines.defs.curated.key_figures import key_figures, trafficking_figures
from pipelines.lib.chart_assets import atomic_write
from pipelines.lib.sql import has_table
from pipelines.lib.warehouse import Warehouse

KEY = dg.AssetKey(["reports", "evidence_brief"])
# Charts in the order the brief shows them; any other chart of the build follows.
# The route's charts are in the route section, in route_brief.CHARTS's order.
ORDER = [
    "central_med_arrivals_dead_missing_monthly", "route_mortality_yearly", "central_med_incident_map",
    "central_med_flows_sankey", "italy_malta_sea_arrivals_monthly", "italy_arrivals_top_nationalities",
    "nexus_arrivals_vs_trafficking_victims", "italy_detected_victims_by_form", "eu_registered_victims_by_citizenship",
    "central_med_dead_missing_monthly", "mmp_source_quality_by_year", "glotip_revisions",
]  # fmt: skip


def _fragments(charts_dir, route: bool = False) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """The charts of the build in the brief's order: the route's charts (route=True) or all the others."""
    found = {p.parent.name: p for p in sorted(charts_dir.glob("*/*.fragment.html"))}
    if route:
        names = [n for n in route_brief.CHARTS if n in found]
    else:
        found = {n: p for n, p in found.items() if n not in route_brief.CHARTS}
        names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    return names, [found[n].read_text(encoding="utf-8") for n in names]


def brief_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(key=KEY, deps=upstream, group_name="reports", kinds={"html"}, description=_brief.__doc__,
              metadata={"uses_what_was_built": True})  # fmt: skip
    def evidence_brief(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        return _brief(context, warehouse)

    return evidence_brief


def _brief(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """reports/index.html: the key figures of the latest complete year, each with its citation, every chart of the
    build, the data vintages and links to the validation report and the data dictionary; a banner when any input
    is sample data. Works from the file system and behind any web server, with no external network."""
    paths = warehouse.paths()
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with warehouse.connect() as con:
        snapshots = snapshots_in_use(con)
        results = con.execute("select * from curated.validation_results").df()
        figures, year = (
            key_figures(con, snapshots) if has_table(con, "curated", "central_med_monthly") else ([], None)
        )
        if has_table(con, "curated", "thb_victims"):
            figures += trafficking_figures(con, snapshots)
        cited = route_brief.cited_figures(con)
        route_figures = route_brief.route_figures(con, snapshots, cited)
        dictionary = con.execute(
            "with relations as ("
            "  select table_name as name, comment, 'table' as kind from duckdb_tables()"
            "  where schema_name = 'curated' and database_name = current_database()"
            "  union all select view_name, comment, 'view' from duckdb_views()"
            "  where schema_name = 'curated' and database_name = current_database() and not internal) "
            'select r.name as "table", r.kind, r.comment as table_description, c.column_name as "column", '
            "c.data_type as type, coalesce(c.comment, '') as description from relations r "
            "join duckdb_columns() c on c.table_name = r.name and c.schema_name = 'curated' "
            "and c.database_name = current_database() order by r.kind, 1, c.column_index"
        ).df()
    sample = bool(snapshots["sample"].any())
    names, fragments = _fragments(paths.charts_dir)
    route_names, route_fragments = _fragments(paths.charts_dir, route=True)
    route = brief_page.route_html(figures=route_figures, fragments=route_fragments, cited=cited)
    topojson = sorted(p.name for p in (paths.assets_dir / "topojson").glob("*.js"))
    scripts = ["assets/plotly.min.js", *(f"assets/topojson/{n}" for n in topojson)]
    summary = brief_page.validation_summary(results)
    paths.reports_dir.mkdir(parents=True, exist_ok=True)
    page = brief_page.index_html(figures=figures, fragments=fragments, scripts=scripts, snapshots=snapshots,
                                 sample=sample, built_at=built_at, checks_summary=summary, route=route)  # fmt: skip
    atomic_write(paths.reports_dir / "index.html", page)
    (paths.reports_dir / "validation").mkdir(parents=True, exist_ok=True)
    atomic_write(
        paths.reports_dir / "validation" / "index.html",
        brief_page.validation_html(results, sample=sample, built_at=built_at),
    )
    atomic_write(paths.reports_dir / "data_dictionary.html", brief_page.dictionary_html(dictionary))
    atomic_write(
        paths.reports_dir / "data_dictionary.csv", dictionary.to_csv(index=False, lineterminator="\n")
    )
    context.log.info(f"brief written to {paths.reports_dir / 'index.html'}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(paths.reports_dir / "index.html")),
            "charts": dg.MetadataValue.json(route_names + names),
            "key_figures": dg.MetadataValue.json(figures),
            "route_figures": dg.MetadataValue.json(route_figures),
            "published_figures_cited": len(cited),
            "year": year,
            "sample": sample,
        }
    )
