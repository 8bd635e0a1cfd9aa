-- curated.sea_arrivals_monthly
-- Grain: one row per destination country (ISO3), arrival type (sea, land, atlantic) and calendar month, for
-- every month from the first to the last month any arrival series reports (the same span for every series), so
-- a month a series does not report is a row with null arrivals and is_reported false, never 0.
-- Italy has two sources. Precedence for the `arrivals` column:
--   1. the Ministry of the Interior's consolidated figure for the month: the difference between the
--      year-to-date totals of two consecutive month-end reports (January: the year-to-date itself);
--   2. UNHCR's monthly series (newest snapshot where series overlap);
--   3. the ministry's provisional daily landings summed over the month (latest report for each day).
-- The other sources' values stay in their own columns for comparison. Other countries: UNHCR only.
-- Coverage: a UNHCR monthly value covers the whole month unless the snapshot was taken before the month
-- ended; a consolidated ministry month covers the whole month; the daily landings cover the days they report
-- up to the latest report (days after the report date are listed as 0 ahead of time and are not counted).

with unhcr as (
    select
        country_iso3, period_start as month, arrival_type, arrivals, source_file, source_path,
        -- a value taken before its month ended covers the month only up to the day before the snapshot
        case
            when snapshot_accessed is null or snapshot_accessed > last_day(period_start)
                then day(last_day(period_start))
            else greatest(0, datediff('day', period_start, snapshot_accessed))
        end as days_covered
    from staging.stg_unhcr_odp__arrivals
    where is_preferred and frequency = 'month' and country_iso3 is not null and arrival_type is not null
        and arrivals is not null
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
        count(distinct landing_date) filter (where arrivals is not null) as days_reported,
        max(landing_date) filter (where arrivals is not null) as last_day_reported,
        max(report_date) as last_report,
        arg_max(source_file, report_date) as source_file
    from staging.stg_italy_moi__daily_landings
    where is_latest_report and landing_date is not null and not after_report_date
    group by 1
),

series as (
    select distinct country_iso3, arrival_type from unhcr
    union
    select 'ITA', 'sea' where exists (select 1 from ministry_consolidated) or exists (select 1 from ministry_provisional)
),

bounds as (
    select min(month) as first_month, max(month) as last_month
    from (
        select month from unhcr
        union all select month from ministry_consolidated
        union all select month from ministry_provisional
    )
),

calendar as (
    select s.country_iso3, s.arrival_type, unnest(generate_series(b.first_month, b.last_month, interval 1 month))::date
        as month
    from series as s
    cross join bounds as b
),

joined as (
    select
        k.country_iso3,
        k.month,
        k.arrival_type,
        day(last_day(k.month)) as days_in_month,
        k.country_iso3 = 'ITA' and k.arrival_type = 'sea' as is_italy,
        u.arrivals as u_arrivals,
        u.days_covered as u_days,
        u.source_file as u_file,
        c.arrivals as c_arrivals,
        c.period_start as c_from,
        c.period_start = k.month as c_single,
        c.source_file as c_file,
        p.arrivals as p_arrivals,
        p.days_reported as p_days,
        p.last_day_reported as p_last_day,
        p.last_report as p_last_report,
        p.source_file as p_file
    from calendar as k
    left join unhcr as u on u.country_iso3 = k.country_iso3 and u.arrival_type = k.arrival_type and u.month = k.month
    left join ministry_consolidated as c
        on k.country_iso3 = 'ITA' and k.arrival_type = 'sea' and c.month = k.month
    left join ministry_provisional as p
        on k.country_iso3 = 'ITA' and k.arrival_type = 'sea' and p.month = k.month
),

chosen as (
    select
        *,
        case
            when is_italy and c_single then 'consolidated'
            when u_arrivals is not null then 'unhcr'
            when is_italy and p_arrivals is not null and p_days > 0 then 'provisional'
        end as choice
    from joined
),

final as (
    select
        country_iso3,
        month,
        arrival_type,
        case choice when 'consolidated' then c_arrivals when 'unhcr' then u_arrivals when 'provisional' then p_arrivals
        end as arrivals,
        case choice when 'consolidated' then 'italy_moi' when 'unhcr' then 'unhcr_odp' when 'provisional' then 'italy_moi'
        end as source,
        case choice
            when 'consolidated' then 'consolidated: ministry year-to-date difference between month-end reports'
            when 'unhcr' then 'UNHCR monthly series'
            when 'provisional' then 'provisional: sum of the ministry''s daily landings'
        end as basis,
        choice is not null as is_reported,
        case choice when 'consolidated' then days_in_month when 'unhcr' then u_days when 'provisional' then p_days
            else 0
        end as days_covered,
        days_in_month,
        coalesce(
            case choice when 'consolidated' then days_in_month when 'unhcr' then u_days when 'provisional' then p_days
            end = days_in_month,
            false
        ) as is_complete,
        case
            when choice is null then 'not reported'
            when case choice when 'consolidated' then days_in_month when 'unhcr' then u_days else p_days end
                = days_in_month then 'complete'
            else 'partial'
        end as coverage,
        case choice
            when 'consolidated' then last_day(month)
            when 'unhcr' then (month + (u_days - 1) * interval 1 day)::date
            when 'provisional' then p_last_day
        end as covered_to,
        u_arrivals as unhcr_arrivals,
        case when is_italy then c_arrivals end as ministry_consolidated_arrivals,
        case when is_italy then c_from end as ministry_consolidated_from,
        case when is_italy then p_arrivals end as ministry_provisional_arrivals,
        case when is_italy then p_days end as ministry_provisional_days,
        case when is_italy then p_last_report end as ministry_provisional_last_report,
        case choice when 'consolidated' then c_file when 'unhcr' then u_file when 'provisional' then p_file end
            as source_file
    from chosen
)

select * from final
order by country_iso3, arrival_type, month
