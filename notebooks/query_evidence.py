# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Query the evidence base
#
# The published database is `data/curated/evidence.duckdb` (or `$MIGRATION_DATA_DIR/curated/evidence.duckdb`).
# Open it **read-only**: a refresh can publish a new version meanwhile, and you keep reading the one you opened.
# Every curated row names the file and row it came from (`source_file`, `source_row`), and
# `curated.source_snapshots` lists each file's sha256, dates, licence and citation.

# %%
import os
from pathlib import Path

import duckdb

data_dir = Path(os.environ.get("MIGRATION_DATA_DIR", "../data"))
con = duckdb.connect(str(data_dir / "curated" / "evidence.duckdb"), read_only=True)

# %% [markdown]
# ## Which data vintages is this database built from?

# %%
vintages = con.sql(
    "select source, original_name, accessed, published, data_label, licence from curated.source_snapshots order by source"
).df()
vintages

# %% [markdown]
# ## Tables and their grain
# Every table carries a description (`comment`); the data dictionary is `reports/data_dictionary.html`.

# %%
tables = con.sql(
    "select table_name, comment from duckdb_tables() where schema_name = 'curated' order by table_name"
).df()
tables

# %% [markdown]
# ## Dead and missing on the Central Mediterranean route, by year

# %%
deaths = con.sql(
    """
    select year(month) as year, sum(dead_and_missing) as dead_and_missing, sum(incidents) as incidents
    from curated.deaths_by_route_month
    where route = 'Central Mediterranean'
    group by 1 order by 1
    """
).df()
deaths

# %% [markdown]
# ## Tracing a figure back to its source rows
# The largest incident of a year, with the stored file and the line it came from.

# %%
largest = con.sql(
    """
    select incident_id, incident_date, dead_and_missing, source_file, source_row
    from curated.mmp_incidents
    where route = 'Central Mediterranean'
    order by dead_and_missing desc nulls last
    limit 5
    """
).df()
largest

# %% [markdown]
# ## Validation results of the build

# %%
checks = con.sql(
    "select asset, check_name, count(*) as expectations, count(*) filter (where not success) as not_passed "
    "from curated.validation_results group by all order by 1, 2"
).df()
checks

# %%
con.close()
