-- curated.sea_arrivals_monthly
-- Grain: one row per destination country (ISO3), calendar month and arrival type (sea, land, atlantic).
-- Italy has two sources. Precedence for the `arrivals` column:
--   1. the Ministry of the Interior's consolidated figure for the month: the difference between the
--      year-to-date totals of two consecutive month-end reports (January: the year-to-date itself);
--   2. UNHCR's monthly series (newest snapshot where series overlap);
--   3. the ministry's provisional daily landings summed over the month (latest report for each day).
-- The other sources' values stay in their own columns for comparison. Other countries: UNHCR only.

with unhcr as (
    select country_iso3, period_start as month, arrival_type, arrivals, source_file, source_path
    from staging.stg_unhcr_odp__arrivals
    where is_preferred and frequency = 'month' and country_iso3 is not null and arrival_type is not null
),

ministry_reports as (
    select report_date, sum(arrivals_ytd) as arrivals_ytd, any_value(source_file) as source_file
    from staging.stg_italy_moi__arrivals_by_nationality
    group by report_date
),

month_end_reports as (
    select
        date_trunc('month', report_date)::date as month,
        max(report_date) as report_date,
        arg_max(arrivals_ytd, report_date) as arrivals_ytd,
        arg_max(source_file, report_date) as source_file
    from ministry_reports
    group by 1
    having max(report_date) = last_day(date_trunc('month', max(report_date)))
),

ministry_consolidated as (
    select
        month,
        report_date,
        arrivals_ytd,
        source_file,
        coalesce(
            lag(month) over (partition by year(month) order by month) + interval 1 month,
            make_date(year(month), 1, 1)
        )::date as period_start,
        arrivals_ytd - coalesce(lag(arrivals_ytd) over (partition by year(month) order by month), 0) as arrivals
    from month_end_reports
),

ministry_provisional as (
    select
        date_trunc('month', landing_date)::date as month,
        sum(arrivals) as arrivals,
        count(arrivals) as days_reported,
        max(report_date) as last_report
    from staging.stg_italy_moi__daily_landings
    where is_latest_report and landing_date is not null and not after_report_date
    group by 1
),

italy_months as (
    select month from unhcr where country_iso3 = 'ITA' and arrival_type = 'sea'
    union
    select month from ministry_consolidated
    union
    select month from ministry_provisional
),

italy as (
    select
        'ITA' as country_iso3,
        m.month,
        'sea' as arrival_type,
        c.period_start = m.month as ministry_single_month,
        case
            when c.period_start = m.month then c.arrivals
            when u.arrivals is not null then u.arrivals
            else p.arrivals
        end as arrivals,
        case
            when c.period_start = m.month then 'italy_moi'
            when u.arrivals is not null then 'unhcr_odp'
            when p.arrivals is not null then 'italy_moi'
        end as source,
        case
            when c.period_start = m.month then 'consolidated: ministry year-to-date difference between month-end reports'
            when u.arrivals is not null then 'UNHCR monthly series'
            when p.arrivals is not null then 'provisional: sum of the ministry''s daily landings'
        end as basis,
        u.arrivals as unhcr_arrivals,
        c.arrivals as ministry_consolidated_arrivals,
        c.period_start as ministry_consolidated_from,
        p.arrivals as ministry_provisional_arrivals,
        p.days_reported as ministry_provisional_days,
        case
            when c.period_start = m.month then c.source_file
            when u.arrivals is not null then u.source_file
            else null
        end as source_file
    from italy_months as m
    left join unhcr as u on u.country_iso3 = 'ITA' and u.arrival_type = 'sea' and u.month = m.month
    left join ministry_consolidated as c on c.month = m.month
    left join ministry_provisional as p on p.month = m.month
),

others as (
    select
        country_iso3,
        month,
        arrival_type,
        null::boolean as ministry_single_month,
        arrivals,
        'unhcr_odp' as source,
        'UNHCR monthly series' as basis,
        arrivals as unhcr_arrivals,
        null::bigint as ministry_consolidated_arrivals,
        null::date as ministry_consolidated_from,
        null::bigint as ministry_provisional_arrivals,
        null::bigint as ministry_provisional_days,
        source_file
    from unhcr
    where not (country_iso3 = 'ITA' and arrival_type = 'sea')
),

final as (
    select
        country_iso3, month, arrival_type, arrivals, source, basis, unhcr_arrivals,
        ministry_consolidated_arrivals, ministry_consolidated_from, ministry_provisional_arrivals,
        ministry_provisional_days, source_file
    from italy
    union all
    select
        country_iso3, month, arrival_type, arrivals, source, basis, unhcr_arrivals,
        ministry_consolidated_arrivals, ministry_consolidated_from, ministry_provisional_arrivals,
        ministry_provisional_days, source_file
    from others
)

select * from final
order by country_iso3, arrival_type, month
