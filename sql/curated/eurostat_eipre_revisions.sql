-- curated.eurostat_eipre_revisions
-- Grain: one row per pair of migr_eipre responses consecutive in vintage (earlier, later) and observation both
-- have, whose value or flag differs. An observation only one of the two has is not a revision (the responses
-- can be different selections of the dataset) and is left out. Empty when one response is loaded.

with cells as (
    select * from staging.stg_eurostat_eipre__observations
),

final as (
    select
        earlier.source_file as earlier_file,
        earlier.updated as earlier_updated,
        later.source_file as later_file,
        later.updated as later_updated,
        later.observation_key,
        later.geo,
        later.year,
        later.reason_code,
        later.apprehension_code,
        case
            when earlier.value is distinct from later.value then 'value changed'
            else 'flag changed'
        end as change,
        earlier.value as earlier_value,
        later.value as later_value,
        later.value - earlier.value as difference,
        earlier.flag as earlier_flag,
        later.flag as later_flag,
        earlier.source_path as earlier_source_path,
        later.source_path as later_source_path
    from cells as earlier
    inner join cells as later
        on later.vintage_rank = earlier.vintage_rank - 1 and later.observation_key = earlier.observation_key
    where earlier.value is distinct from later.value or earlier.flag is distinct from later.flag
)

select * from final
order by earlier_file, observation_key
