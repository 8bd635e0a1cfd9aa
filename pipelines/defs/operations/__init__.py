"""Operating the pipeline: refresh jobs, schedules, new-vintage sensors, snapshot freshness checks, and the
fingerprints that let a rebuild skip what did not change. Submodules are imported where they are used, so
`migration-evidence status` does not load Dagster."""
