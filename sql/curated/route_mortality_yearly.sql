-- curated.route_mortality_yearly
-- Grain: one row per route and calendar year. Routes, their MMP label and their arrival series are defined in
-- route_definitions.csv (a `required` series must be complete for a mortality figure; an optional one, such as
-- Malta, is counted in the denominator only for a year it covers completely, and denominator_includes says so).
-- Arrivals: curated.sea_arrivals_yearly (a publisher's own annual total where one exists). Dead and missing: the
-- route's months of curated.deaths_by_route_month summed over the months curated.mmp_coverage_monthly covers
-- (a covered month without a row recorded no incident: 0; a month no snapshot covers: not reported).
-- Mortality per 1,000 attempted crossings = dead_and_missing / (arrivals + dead_and_missing) x 1000, published
-- only when the required arrivals and the dead and missing both cover the whole year; otherwise null with
-- mortality_null_reason. curated.central_med_yearly is this table's Central Mediterranean rows.

with definitions as (
    select route, mmp_route, country_iso3, country, arrival_type, required::boolean as required
    from curated_route_definitions
),

routes as (
    select distinct route, mmp_route from definitions
),

coverage as (
    select month, days_covered, days_in_month, is_complete from curated.mmp_coverage_monthly
),

deaths as (
    select
        r.route,
        year(c.month) as year,
        sum(coalesce(d.dead_and_missing, 0)) filter (where c.days_covered > 0) as dead_and_missing,
        sum(coalesce(d.incidents, 0)) filter (where c.days_covered > 0) as incidents,
        sum(c.days_covered) as days_covered,
        count(*) filter (where c.is_complete) as months_complete,
        min(c.month) filter (where c.days_covered > 0) as covered_from,
        max((c.month + (c.days_covered - 1) * interval 1 day)::date) filter (where c.days_covered > 0) as covered_to
    from routes as r
    cross join coverage as c
    left join curated.deaths_by_route_month as d on d.route = r.mmp_route and d.month = c.month
    group by all
),

route_years as (
    select distinct d.route, y.year
    from definitions as d
    inner join curated.sea_arrivals_yearly as y on y.country_iso3 = d.country_iso3 and y.arrival_type = d.arrival_type
    union
    select route, year from deaths
),

per_country as (
    select
        ry.route,
        ry.year,
        d.country,
        d.required,
        y.arrivals,
        coalesce(y.is_complete, false) as is_complete,
        y.is_publisher_annual_total,
        y.source,
        y.basis,
        coalesce(y.months_complete, 0) as months_complete,
        y.covered_from,
        y.covered_to,
        y.arrivals is not null and (d.required or y.is_complete) as included
    from route_years as ry
    inner join definitions as d on d.route = ry.route
    left join curated.sea_arrivals_yearly as y
        on y.country_iso3 = d.country_iso3 and y.arrival_type = d.arrival_type and y.year = ry.year
),

arrivals as (
    select
        route,
        year,
        coalesce(bool_and(arrivals is not null) filter (where required), false) as required_reported,
        coalesce(bool_and(is_complete) filter (where required), false) as required_complete,
        sum(arrivals) filter (where included) as arrivals_included,
        string_agg(country, ' + ' order by required desc, country) filter (where included)
            || case when count(*) filter (where not included) > 0 then ' only' else '' end as denominator_includes,
        string_agg(
            country || ': ' || case
                when arrivals is null then 'not reported'
                when is_complete then 'complete'
                else months_complete || ' of 12 months complete (' || basis || ')'
            end,
            '; ' order by required desc, country
        ) filter (where not included or not is_complete) as denominator_note,
        string_agg(distinct source, ', ' order by source) filter (where included) as arrivals_sources,
        string_agg(country || ': ' || basis, '; ' order by required desc, country) filter (where included)
            as arrivals_basis,
        coalesce(bool_and(is_publisher_annual_total) filter (where included), false) as arrivals_is_publisher_total,
        min(months_complete) filter (where required) as arrival_months_complete,
        max(covered_from) filter (where included) as arrivals_covered_from,
        min(covered_to) filter (where included) as arrivals_covered_to
    from per_country
    group by all
),

joined as (
    select
        ry.route,
        ry.year,
        case when a.required_reported then a.arrivals_included end as arrivals,
        case when a.required_reported then a.denominator_includes end as denominator_includes,
        a.denominator_note,
        a.required_complete as arrivals_is_complete,
        a.arrivals_is_publisher_total,
        a.arrival_months_complete,
        case when a.required_reported then a.arrivals_covered_from end as arrivals_covered_from,
        case when a.required_reported then a.arrivals_covered_to end as arrivals_covered_to,
        a.arrivals_sources,
        a.arrivals_basis,
        d.dead_and_missing,
        d.incidents,
        coalesce(d.days_covered, 0) as dead_and_missing_days_covered,
        dayofyear(make_date(ry.year, 12, 31)) as days_in_year,
        coalesce(d.months_complete, 0) as dead_and_missing_months_complete,
        coalesce(d.days_covered, 0) = dayofyear(make_date(ry.year, 12, 31)) as dead_and_missing_is_complete,
        d.covered_from as dead_and_missing_covered_from,
        d.covered_to as dead_and_missing_covered_to
    from route_years as ry
    left join arrivals as a on a.route = ry.route and a.year = ry.year
    left join deaths as d on d.route = ry.route and d.year = ry.year
),

final as (
    select
        route,
        year,
        arrivals,
        denominator_includes,
        denominator_note,
        arrivals_is_complete,
        arrivals_is_publisher_total,
        arrival_months_complete,
        arrivals_covered_from,
        arrivals_covered_to,
        arrivals_sources,
        arrivals_basis,
        dead_and_missing,
        incidents,
        dead_and_missing_days_covered,
        days_in_year,
        dead_and_missing_months_complete,
        dead_and_missing_is_complete,
        dead_and_missing_covered_from,
        dead_and_missing_covered_to,
        arrivals_is_complete and dead_and_missing_is_complete as is_complete,
        case
            when arrivals_is_complete and dead_and_missing_is_complete
                then round(1000.0 * dead_and_missing / nullif(arrivals + dead_and_missing, 0), 2)
        end as mortality_per_1000,
        case
            when not (arrivals_is_complete and dead_and_missing_is_complete) then concat_ws('; ',
                case
                    when arrivals is null then 'no arrival figure for the year'
                    when not arrivals_is_complete then 'arrivals cover ' || strftime(arrivals_covered_from, '%Y-%m-%d')
                        || ' to ' || strftime(arrivals_covered_to, '%Y-%m-%d') || ' only'
                end,
                case
                    when dead_and_missing is null then 'no Missing Migrants snapshot covers the year'
                    when not dead_and_missing_is_complete then 'dead and missing cover '
                        || strftime(dead_and_missing_covered_from, '%Y-%m-%d') || ' to '
                        || strftime(dead_and_missing_covered_to, '%Y-%m-%d') || ' only ('
                        || dead_and_missing_days_covered || ' of ' || days_in_year || ' days)'
                end
            )
        end as mortality_null_reason,
        'iom_mmp' as dead_and_missing_source
    from joined
)

select * from final
order by route, year
