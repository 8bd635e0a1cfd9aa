-- curated.proxy_indicators_yearly
-- Grain: one row per country (Italy, Malta) and calendar year that either proxy indicator reports: Eurostat's
-- third-country nationals found illegally present (curated.illegally_present_yearly, with its flag) beside the
-- Frontex detections of illegal border-crossing on the Central Mediterranean route (Italy and Malta sea borders
-- together; Frontex does not split them by country), which therefore sit on a separate row with country 'ITA+MLT'.
-- The two count different things (persons found present vs crossings detected) and are never added.

with eipre as (
    select country_iso3, year, found_illegally_present, value_status, flag, source_file
    from curated.illegally_present_yearly
    where country_iso3 in ('ITA', 'MLT')
),

frontex as (
    select
        year(month) as year,
        sum(detections) as detections,
        count(*) as months_covered,
        count(*) filter (where is_complete) as months_complete,
        max(month) as covered_to,
        string_agg(distinct source_file, ', ' order by source_file) as source_files
    from curated.frontex_route_monthly
    where route = 'Central Mediterranean'
    group by 1
),

rows_ as (
    select
        country_iso3 as area,
        year,
        'eurostat_eipre' as indicator_source,
        'third-country nationals found illegally present (persons)' as indicator,
        found_illegally_present as value,
        value_status = 'published' as is_complete,
        flag,
        source_file as source_files
    from eipre
    union all
    select
        'ITA+MLT' as area,
        year,
        'frontex_ibc',
        'detections of illegal border-crossing, Central Mediterranean route (detections, not persons)',
        case when months_complete = months_covered then detections end,
        months_complete = 12,
        case when months_complete < 12 then 'partial year: ' || months_covered || ' months to '
             || strftime(covered_to, '%Y-%m') end,
        source_files
    from frontex
),

final as (
    select area, year, indicator_source, indicator, value, is_complete, flag, source_files
    from rows_
)

select * from final
order by indicator_source, area, year
