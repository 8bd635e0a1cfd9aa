-- curated.deaths_by_route_month
-- Grain: one row per route and calendar month with at least one incident. Incidents with no route
-- are under 'Unspecified'; incidents with no year or month (13 in the 2025-05 export) are left out
-- and counted in the asset's metadata. Each row carries the coverage of its month
-- (curated.mmp_coverage_monthly): a partial month's figures are a minimum for the days covered.

with source as (
    select * from curated.mmp_incidents
    where year is not null and month is not null
),

grouped as (
    select
        coalesce(route, 'Unspecified') as route,
        make_date(year, month, 1) as month,
        count(*) as incidents,
        sum(dead) as dead,
        sum(missing) as missing,
        sum(dead_and_missing) as dead_and_missing
    from source
    group by all
),

final as (
    select
        g.*,
        c.source_file,
        c.days_covered,
        c.days_in_month,
        c.is_complete
    from grouped as g
    left join curated.mmp_coverage_monthly as c on g.month = c.month
)

select * from final
order by route, month
