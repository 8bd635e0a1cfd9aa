"""Every asset and check of the code location, gathered from the per-source folders."""

from pipelines.defs.curated.assets import curated_assets, curated_checks
from pipelines.defs.curated.charts import mmp_charts
from pipelines.defs.iom_mmp.assets import raw_iom_mmp__incidents, stg_iom_mmp__incidents
from pipelines.defs.iom_mmp.checks import gx_incidents_suite, known_routes_and_regions
from pipelines.defs.publish import evidence_duckdb

ASSETS = [raw_iom_mmp__incidents, stg_iom_mmp__incidents, *curated_assets, mmp_charts, evidence_duckdb]
CHECKS = [gx_incidents_suite, known_routes_and_regions, *curated_checks]
