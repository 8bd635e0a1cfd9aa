-- curated.validation_results
-- Grain: one row per expectation of every check run by the last build of each asset: suite, expectation,
-- success, unexpected count. Checks of sources left out of the last build keep their previous results
-- (see checked_at). The check on this table itself is left out: it runs after the table is built, so a row
-- for it would always be the previous build's.

with source as (
    select * from meta.validation_results
    where asset <> 'curated/validation_results'
),

final as (
    select
        asset,
        check_name,
        suite,
        expectation,
        kwargs,
        success,
        severity,
        unexpected_count,
        element_count,
        checked_at
    from source
)

select * from final
order by asset, check_name, expectation, kwargs
