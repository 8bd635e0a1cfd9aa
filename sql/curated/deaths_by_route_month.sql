-- curated.deaths_by_route_month
-- Grain: one row per route and calendar month with at least one incident. Incidents with no route
-- are under 'Unspecified'; incidents with no year or month (13 in the 2025-05 export) are left out
-- and counted in the asset's metadata.

with source as (
    select * from curated.mmp_incidents
    where year is not null and month is not null
),

final as (
    select
        coalesce(route, 'Unspecified') as route,
        make_date(year, month, 1) as month,
        count(*) as incidents,
        sum(dead) as dead,
        sum(missing) as missing,
        sum(dead_and_missing) as dead_and_missing
    from source
    group by all
)

select * from final
order by route, month
