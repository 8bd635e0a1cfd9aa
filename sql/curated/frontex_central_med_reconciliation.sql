-- curated.frontex_central_med_reconciliation
-- Grain: one row per calendar year any preferred Frontex workbook covers: Frontex detections of illegal
-- border-crossing on the Central Mediterranean route (Italy and Malta sea borders) against the sea arrivals
-- to Italy and Malta of curated.sea_arrivals_yearly (a publisher's annual total where one exists). Detections
-- count crossings detected, not persons; arrivals count persons registered on landing. The difference and
-- the ratio are published only where the detections cover the whole year and Italy's arrivals are complete;
-- Malta is added only for a year it reports completely (comparison_includes says which).

with detections as (
    select
        year(month) as year,
        count(*) as months_covered,
        count(*) filter (where is_complete) as months_complete,
        sum(detections) as detections,
        max(month) as last_month,
        string_agg(distinct source_file, ', ' order by source_file) as source_files,
        max(release_date) as release_date
    from curated.frontex_route_monthly
    where route = 'Central Mediterranean'
    group by 1
),

arrivals as (
    select
        year,
        any_value(arrivals) filter (where country_iso3 = 'ITA') as arrivals_italy,
        coalesce(bool_or(is_complete) filter (where country_iso3 = 'ITA'), false) as italy_complete,
        any_value(source) filter (where country_iso3 = 'ITA') as italy_source,
        any_value(basis) filter (where country_iso3 = 'ITA') as italy_basis,
        any_value(arrivals) filter (where country_iso3 = 'MLT') as arrivals_malta,
        coalesce(bool_or(is_complete) filter (where country_iso3 = 'MLT'), false) as malta_complete
    from curated.sea_arrivals_yearly
    where arrival_type = 'sea' and country_iso3 in ('ITA', 'MLT')
    group by 1
),

joined as (
    select
        d.year,
        case when d.months_complete = d.months_covered then d.detections end as detections,
        d.months_covered as detection_months_covered,
        d.months_complete = 12 as detections_is_complete,
        d.last_month as detections_covered_to,
        d.release_date as detections_release_date,
        d.source_files as detections_source_files,
        a.arrivals_italy,
        coalesce(a.italy_complete, false) as arrivals_italy_is_complete,
        a.italy_source as arrivals_italy_source,
        a.italy_basis as arrivals_italy_basis,
        a.arrivals_malta,
        coalesce(a.malta_complete, false) as arrivals_malta_is_complete
    from detections as d
    left join arrivals as a using (year)
),

final as (
    select
        year,
        detections,
        detection_months_covered,
        detections_is_complete,
        detections_covered_to,
        arrivals_italy,
        arrivals_italy_is_complete,
        arrivals_malta,
        arrivals_malta_is_complete,
        case
            when arrivals_italy_is_complete and arrivals_malta_is_complete then arrivals_italy + arrivals_malta
            when arrivals_italy_is_complete then arrivals_italy
        end as arrivals_compared,
        case
            when arrivals_italy_is_complete and arrivals_malta_is_complete then 'Italy + Malta'
            when arrivals_italy_is_complete then 'Italy only (Malta not reported for the whole year)'
        end as comparison_includes,
        case
            when detections_is_complete and arrivals_italy_is_complete
                then detections - (arrivals_italy + case when arrivals_malta_is_complete then arrivals_malta else 0 end)
        end as detections_minus_arrivals,
        case
            when detections_is_complete and arrivals_italy_is_complete
                then round(detections / (arrivals_italy + case when arrivals_malta_is_complete then arrivals_malta else 0 end), 3)
        end as detections_per_arrival,
        case
            when not detections_is_complete
                then 'Frontex covers ' || detection_months_covered || ' of 12 months (to ' || strftime(detections_covered_to, '%Y-%m') || ')'
            when not arrivals_italy_is_complete
                then 'sea arrivals to Italy ' || case when arrivals_italy is null then 'not reported' else 'partial' end || ' for the year'
        end as comparison_null_reason,
        arrivals_italy_source,
        arrivals_italy_basis,
        detections_release_date,
        detections_source_files
    from joined
)

select * from final
order by year
