-- curated.sea_arrivals_yearly
-- Grain: one row per destination country (ISO3), arrival type and calendar year of curated.sea_arrivals_monthly.
-- `arrivals` is a publisher's own annual total where one exists, never a splice of two publishers' months:
--   1. Italy: the Ministry of the Interior's year-to-date at 31 December (its annual figure);
--   2. a year UNHCR reports completely (12 complete months): UNHCR's months summed, which is UNHCR's annual figure;
--   3. otherwise a partial year: the ministry's year-to-date at its last report of the year, or UNHCR's reported
--      months summed, whichever covers later (is_complete false, covered_from / covered_to state both ends).
-- is_spliced says the months of curated.sea_arrivals_monthly for the year come from two publishers (their sum,
-- monthly_sum, is then no publisher's figure and is not used as the annual total).

with monthly as (
    select * from curated.sea_arrivals_monthly
),

months as (
    select
        country_iso3,
        arrival_type,
        year(month) as year,
        count(*) filter (where is_reported) as months_reported,
        count(*) filter (where is_complete) as months_complete,
        sum(arrivals) as monthly_sum,
        string_agg(distinct source, ', ' order by source) as monthly_sources,
        count(distinct source) > 1 as is_spliced,
        count(unhcr_arrivals) as unhcr_months,
        count(*) filter (where unhcr_arrivals is not null and (source <> 'unhcr_odp' or is_complete)) as unhcr_months_complete,
        sum(unhcr_arrivals) as unhcr_arrivals,
        min(month) filter (where unhcr_arrivals is not null) as unhcr_first_month,
        max(case when source = 'unhcr_odp' then covered_to else last_day(month) end)
            filter (where unhcr_arrivals is not null) as unhcr_covered_to,
        max(month) filter (where unhcr_arrivals is not null) as unhcr_last_month,
        string_agg(distinct source_file, ', ' order by source_file) filter (where source = 'unhcr_odp') as unhcr_file
    from monthly
    group by all
),

ministry_reports as (
    select report_date, sum(arrivals_ytd) as arrivals_ytd, any_value(source_file) as source_file
    from staging.stg_italy_moi__arrivals_by_nationality
    group by report_date
),

ministry_years as (
    select
        year(report_date) as year,
        max(report_date) as report_date,
        arg_max(arrivals_ytd, report_date) as arrivals_ytd,
        arg_max(source_file, report_date) as source_file
    from ministry_reports
    group by 1
),

joined as (
    select
        m.*,
        y.report_date as ministry_report_date,
        y.arrivals_ytd as ministry_arrivals_ytd,
        y.source_file as ministry_file,
        y.report_date = make_date(m.year, 12, 31) as ministry_year_end,
        m.unhcr_months = 12 and m.unhcr_months_complete = 12 as unhcr_complete,
        -- UNHCR's months form a year-to-date only when they run from January without a gap
        m.unhcr_first_month = make_date(m.year, 1, 1)
            and m.unhcr_months = month(m.unhcr_last_month) as unhcr_from_january
    from months as m
    left join ministry_years as y on m.country_iso3 = 'ITA' and m.arrival_type = 'sea' and m.year = y.year
),

chosen as (
    select
        *,
        case
            when ministry_year_end then 'ministry_annual'
            when unhcr_complete then 'unhcr_annual'
            when ministry_report_date is not null and (unhcr_covered_to is null or ministry_report_date >= unhcr_covered_to)
                then 'ministry_ytd'
            when unhcr_months > 0 then 'unhcr_months'
        end as choice
    from joined
),

final as (
    select
        country_iso3,
        arrival_type,
        year,
        case choice
            when 'ministry_annual' then ministry_arrivals_ytd
            when 'ministry_ytd' then ministry_arrivals_ytd
            else unhcr_arrivals
        end as arrivals,
        case when choice like 'ministry%' then 'italy_moi' when choice is not null then 'unhcr_odp' end as source,
        case choice
            when 'ministry_annual' then 'Ministry of the Interior, year-to-date at 31 December (its annual total)'
            when 'unhcr_annual' then 'UNHCR monthly series, 12 months summed (UNHCR''s annual total)'
            when 'ministry_ytd' then 'Ministry of the Interior, year-to-date at '
                || strftime(ministry_report_date, '%Y-%m-%d') || ' (partial year)'
            when 'unhcr_months' then 'UNHCR monthly series, ' || unhcr_months || ' of 12 months summed'
                || case when unhcr_from_january then '' else ' (not a year-to-date: months missing)' end
                || ' (partial year)'
        end as basis,
        coalesce(choice in ('ministry_annual', 'unhcr_annual'), false) as is_publisher_annual_total,
        coalesce(choice in ('ministry_annual', 'unhcr_annual'), false) as is_complete,
        case
            when choice like 'ministry%' then make_date(year, 1, 1)
            when choice is not null then unhcr_first_month
        end as covered_from,
        case
            when choice = 'ministry_annual' then make_date(year, 12, 31)
            when choice = 'ministry_ytd' then ministry_report_date
            when choice is not null then unhcr_covered_to
        end as covered_to,
        months_reported,
        months_complete,
        monthly_sources,
        coalesce(is_spliced, false) as is_spliced,
        monthly_sum,
        unhcr_arrivals,
        unhcr_months,
        ministry_arrivals_ytd,
        ministry_report_date,
        case when choice like 'ministry%' then ministry_file when choice is not null then unhcr_file end as source_file
    from chosen
)

select * from final
order by country_iso3, arrival_type, year
