-- curated.departures_by_country_yearly
-- Grain: one row per published figure of sea arrivals to Italy by country of departure (curated.published_figures,
-- series sea_arrivals_italy_by_country_of_departure), with its citation. A share (percent of the year's arrivals)
-- and a count (persons) are kept in separate columns and never added; a figure for part of a year keeps its end
-- date (period_end) and is_partial. Figures that two documents give differently are all kept; is_preferred marks
-- the one the project uses.

with figures as (
    select * from curated.published_figures
    where series = 'sea_arrivals_italy_by_country_of_departure'
),

final as (
    select
        year,
        geo_iso3 as country_of_departure_iso3,
        case geo_iso3
            when 'LBY' then 'Libya' when 'TUN' then 'Tunisia' when 'TUR' then 'Türkiye'
            when 'DZA' then 'Algeria' when 'EGY' then 'Egypt' when 'LBN' then 'Lebanon'
            else geo_iso3
        end as country_of_departure,
        figure_id,
        case when unit like 'percent%' then 'share' else 'count' end as measure,
        case when unit like 'percent%' then value end as share_percent,
        case when unit not like 'percent%' then value end as persons,
        unit,
        unit like '%(about)%' as is_approximate,
        period_start,
        period_end,
        is_partial,
        case when is_partial then strftime(period_start, '%Y-%m-%d') || ' to ' || strftime(period_end, '%Y-%m-%d')
             else strftime(period_start, '%Y') end as period_label,
        is_preferred,
        choice_note,
        publisher,
        quoted_in,
        document_title,
        url,
        published,
        published_precision,
        read_on,
        citation,
        source_file
    from figures
)

select * from final
order by year, measure, country_of_departure_iso3, figure_id
