-- curated.route_mortality_yearly
-- Grain: one row per route and year. Routes, their MMP label and their arrival series are defined in
-- route_definitions.csv. Mortality per 1,000 attempted crossings = dead_and_missing / (arrivals +
-- dead_and_missing) x 1000; null when the year's arrivals are incomplete (fewer than 12 months).

with definitions as (
    select * from curated_route_definitions
),

arrivals as (
    select d.route, year(a.month) as year, sum(a.arrivals) as arrivals, count(distinct a.month) as arrival_months,
        string_agg(distinct a.source, ', ' order by a.source) as arrivals_sources
    from curated.sea_arrivals_monthly as a
    inner join definitions as d on a.country_iso3 = d.country_iso3 and a.arrival_type = d.arrival_type
    group by all
),

deaths as (
    select d.route, year(m.month) as year, sum(m.dead_and_missing) as dead_and_missing, sum(m.incidents) as incidents
    from curated.deaths_by_route_month as m
    inner join (select distinct route, mmp_route from definitions) as d on m.route = d.mmp_route
    group by all
),

final as (
    select
        coalesce(a.route, d.route) as route,
        coalesce(a.year, d.year) as year,
        a.arrivals,
        a.arrival_months,
        coalesce(d.dead_and_missing, 0) as dead_and_missing,
        coalesce(d.incidents, 0) as incidents,
        case
            when a.arrival_months = 12
                then round(1000.0 * coalesce(d.dead_and_missing, 0) / nullif(a.arrivals + coalesce(d.dead_and_missing, 0), 0), 2)
        end as mortality_per_1000,
        a.arrivals_sources,
        'iom_mmp' as dead_and_missing_source
    from arrivals as a
    full outer join deaths as d on a.route = d.route and a.year = d.year
)

select * from final
order by route, year
