-- curated.central_med_monthly
-- Grain: one row per calendar month from the first to the last month any input covers.
-- Mortality per 1,000 attempted crossings = dead_and_missing / (arrivals + dead_and_missing) x 1000,
-- with arrivals = Italy + Malta sea arrivals; null when either side is missing for the month.

with arrivals as (
    select
        month,
        sum(arrivals) filter (where country_iso3 = 'ITA') as arrivals_italy,
        any_value(source) filter (where country_iso3 = 'ITA') as arrivals_italy_source,
        any_value(basis) filter (where country_iso3 = 'ITA') as arrivals_italy_basis,
        sum(arrivals) filter (where country_iso3 = 'MLT') as arrivals_malta,
        any_value(source) filter (where country_iso3 = 'MLT') as arrivals_malta_source
    from curated.sea_arrivals_monthly
    where arrival_type = 'sea' and country_iso3 in ('ITA', 'MLT')
    group by month
),

deaths as (
    select month, dead_and_missing, incidents
    from curated.deaths_by_route_month
    where route = 'Central Mediterranean'
),

months as (
    select unnest(generate_series(
        (select least(min(month), (select min(month) from deaths)) from arrivals),
        (select greatest(max(month), (select max(month) from deaths)) from arrivals),
        interval 1 month
    ))::date as month
),

final as (
    select
        m.month,
        a.arrivals_italy,
        a.arrivals_malta,
        coalesce(a.arrivals_italy, 0) + coalesce(a.arrivals_malta, 0) as arrivals_total,
        coalesce(d.dead_and_missing, 0) as dead_and_missing,
        coalesce(d.incidents, 0) as incidents,
        case
            when a.arrivals_italy is not null
                then round(1000.0 * coalesce(d.dead_and_missing, 0)
                    / nullif(a.arrivals_italy + coalesce(a.arrivals_malta, 0) + coalesce(d.dead_and_missing, 0), 0), 2)
        end as mortality_per_1000,
        a.arrivals_italy_source,
        a.arrivals_italy_basis,
        a.arrivals_malta_source,
        'iom_mmp' as dead_and_missing_source
    from months as m
    left join arrivals as a on m.month = a.month
    left join deaths as d on m.month = d.month
)

select * from final
order by month
