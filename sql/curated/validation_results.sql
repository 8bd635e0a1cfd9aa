-- curated.validation_results
-- Grain: one row per asset check that ran (level 'check': its severity, outcome and summary, as the check
-- reported it to Dagster; a check that raised is 'failed') and one row per expectation of the suites those
-- checks ran (level 'expectation'). Checks of assets the last build did not rebuild (a source left out, or
-- unchanged since an earlier build) keep their previous results: in_last_build is false and checked_at says
-- when they ran. The check on this table itself is left out: it runs after the table is built, so a row for it
-- would always be the previous build's.

with source as (
    select * from meta.validation_results
    where asset <> 'curated/validation_results'
),

build as (
    select run_id, started_at from meta.validation_build
),

final as (
    select
        source.level,
        source.asset,
        source.check_name,
        source.suite,
        source.expectation,
        source.kwargs,
        source.severity,
        source.outcome,
        source.success,
        source.summary,
        source.unexpected_count,
        source.element_count,
        source.checked_at,
        source.run_id,
        coalesce(source.run_id = build.run_id, false) as in_last_build
    from source
    cross join build
)

select * from final
order by level, asset, check_name, expectation, kwargs
