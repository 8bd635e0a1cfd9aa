-- curated.arrivals_by_nationality
-- Grain: one row per source, destination (ISO3), nationality and period.
-- UNHCR: calendar months (origin responses). Ministry of the Interior: calendar years, as the year-to-date
-- total of each year's last report (a whole year when that report is dated 31 December; otherwise the
-- period ends at the report date). Nationalities outside a publisher's list are in its 'others' row
-- (nationality_iso3 null, is_other true). Never add the two sources together.

with unhcr as (
    select
        'unhcr_odp' as source,
        destination_iso3,
        coalesce(nationality_iso3, origin_code) as nationality_key,
        nationality_iso3,
        origin_name as nationality,
        is_other,
        month as period_start,
        last_day(month) as period_end,
        arrivals,
        'UNHCR monthly arrivals by nationality' as basis,
        source_file
    from staging.stg_unhcr_odp__arrivals_by_nationality
    where is_preferred and destination_iso3 is not null
),

last_reports as (
    select year(report_date) as year, max(report_date) as report_date
    from staging.stg_italy_moi__arrivals_by_nationality
    group by 1
),

ministry as (
    select
        'italy_moi' as source,
        'ITA' as destination_iso3,
        coalesce(n.nationality_iso3, 'OTHERS') as nationality_key,
        n.nationality_iso3,
        n.nationality_published as nationality,
        n.is_other,
        make_date(l.year, 1, 1) as period_start,
        n.report_date as period_end,
        n.arrivals_ytd as arrivals,
        'ministry year-to-date at ' || strftime(n.report_date, '%Y-%m-%d') as basis,
        n.source_file
    from staging.stg_italy_moi__arrivals_by_nationality as n
    inner join last_reports as l on n.report_date = l.report_date
),

final as (
    select * from unhcr
    union all
    select * from ministry
)

select * from final
order by source, destination_iso3, period_start, arrivals desc
