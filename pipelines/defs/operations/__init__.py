"""Operating the pipeline: the refresh job, schedules, sensors, snapshot freshness checks, and what makes an
asset stale in Dagster's terms (`staleness`: code versions, the raw store's data versions, the automation
condition a build evaluates). Submodules are imported where they are used, so `migration-evidence status` does
not load Dagster."""
