-- curated.central_med_monthly
-- Grain: one row per calendar month from the first to the last month any input covers.
-- Every input carries its coverage: Italy arrivals (curated.sea_arrivals_monthly: complete, partial or not
-- reported), Malta arrivals (reported or not), dead and missing (curated.mmp_coverage_monthly: days covered of
-- the month). A value a source does not report is null, never 0; a month a Missing Migrants snapshot covers
-- with no incident on the route is a recorded 0.
-- Mortality per 1,000 attempted crossings = dead_and_missing / (arrivals_total + dead_and_missing) x 1000, only
-- where Italy's arrivals and the dead and missing both cover the whole month; arrivals_total is Italy + Malta
-- when Malta reports the month, else Italy only (denominator_includes). Otherwise null with the reason.

with italy as (
    select * from curated.sea_arrivals_monthly where country_iso3 = 'ITA' and arrival_type = 'sea'
),

malta as (
    select * from curated.sea_arrivals_monthly where country_iso3 = 'MLT' and arrival_type = 'sea'
),

coverage as (
    select month, source_file, days_covered, days_in_month, is_complete from curated.mmp_coverage_monthly
),

deaths as (
    select month, dead_and_missing, incidents
    from curated.deaths_by_route_month
    where route = 'Central Mediterranean'
),

months as (
    select unnest(generate_series(
        (select min(month) from (
            select month from italy where is_reported union all select month from malta where is_reported
            union all select month from coverage where days_covered > 0
        )),
        (select max(month) from (
            select month from italy where is_reported union all select month from malta where is_reported
            union all select month from coverage where days_covered > 0
        )),
        interval 1 month
    ))::date as month
),

joined as (
    select
        m.month,
        day(last_day(m.month)) as days_in_month,
        i.arrivals as arrivals_italy,
        i.source as arrivals_italy_source,
        i.basis as arrivals_italy_basis,
        coalesce(i.is_reported, false) as arrivals_italy_reported,
        coalesce(i.days_covered, 0) as arrivals_italy_days_covered,
        coalesce(i.is_complete, false) as arrivals_italy_is_complete,
        i.covered_to as arrivals_italy_covered_to,
        case when t.is_reported then t.arrivals end as arrivals_malta,
        case when t.is_reported then t.source end as arrivals_malta_source,
        coalesce(t.is_reported and t.is_complete, false) as arrivals_malta_reported,
        case when c.days_covered > 0 then coalesce(d.dead_and_missing, 0) end as dead_and_missing,
        case when c.days_covered > 0 then coalesce(d.incidents, 0) end as incidents,
        coalesce(c.days_covered, 0) as dead_and_missing_days_covered,
        coalesce(c.is_complete, false) as dead_and_missing_is_complete,
        case when c.days_covered > 0 then c.source_file end as dead_and_missing_source_file
    from months as m
    left join italy as i on i.month = m.month
    left join malta as t on t.month = m.month
    left join coverage as c on c.month = m.month
    left join deaths as d on d.month = m.month
),

final as (
    select
        month,
        arrivals_italy,
        arrivals_malta,
        case
            when arrivals_italy is not null then arrivals_italy + case when arrivals_malta_reported then arrivals_malta else 0 end
        end as arrivals_total,
        case
            when arrivals_italy is not null and arrivals_malta_reported then 'Italy + Malta'
            when arrivals_italy is not null then 'Italy only'
        end as denominator_includes,
        dead_and_missing,
        incidents,
        case
            when arrivals_italy_is_complete and dead_and_missing_is_complete
                then round(1000.0 * dead_and_missing / nullif(
                    arrivals_italy + case when arrivals_malta_reported then arrivals_malta else 0 end + dead_and_missing,
                    0
                ), 2)
        end as mortality_per_1000,
        case
            when not (arrivals_italy_is_complete and dead_and_missing_is_complete) then concat_ws('; ',
                case
                    when not arrivals_italy_reported then 'Italy arrivals not reported'
                    when not arrivals_italy_is_complete then 'Italy arrivals cover ' || arrivals_italy_days_covered
                        || ' of ' || days_in_month || ' days (to ' || strftime(arrivals_italy_covered_to, '%Y-%m-%d') || ')'
                end,
                case
                    when dead_and_missing is null then 'dead and missing not reported (no Missing Migrants snapshot covers the month)'
                    when not dead_and_missing_is_complete then 'dead and missing cover ' || dead_and_missing_days_covered
                        || ' of ' || days_in_month || ' days'
                end
            )
        end as mortality_null_reason,
        arrivals_italy_is_complete and dead_and_missing_is_complete as is_complete,
        arrivals_italy_reported,
        arrivals_italy_is_complete,
        arrivals_italy_days_covered,
        arrivals_italy_covered_to,
        arrivals_malta_reported,
        dead_and_missing_days_covered,
        days_in_month,
        dead_and_missing_is_complete,
        arrivals_italy_source,
        arrivals_italy_basis,
        arrivals_malta_source,
        'iom_mmp' as dead_and_missing_source,
        dead_and_missing_source_file
    from joined
)

select * from final
order by month
