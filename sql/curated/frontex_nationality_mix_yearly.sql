-- curated.frontex_nationality_mix_yearly
-- Grain: one row per calendar year and nationality (every nationality key Frontex lists on the Central
-- Mediterranean route, the unknown and unspecified categories included) of curated.frontex_detections_monthly:
-- detections and the share of the route's detections in the year. A share is published only for a year the
-- workbooks cover completely (12 months, no empty cell); a partial year has a null share and says so.

with central as (
    select * from curated.frontex_detections_monthly
    where route = 'Central Mediterranean'
),

by_nationality as (
    select
        year(month) as year,
        nationality_key,
        any_value(nationality) as nationality,
        any_value(nationality_iso3) as nationality_iso3,
        any_value(nationality_kind) as nationality_kind,
        sum(detections) as detections,
        count(*) - count(detections) as cells_not_reported
    from central
    group by 1, 2
),

by_year as (
    select
        year(month) as year,
        count(distinct month) as months_covered,
        count(*) - count(detections) as cells_not_reported,
        sum(detections) as route_detections,
        max(month) as covered_to
    from central
    group by 1
),

final as (
    select
        n.year,
        n.nationality_key,
        n.nationality,
        n.nationality_iso3,
        n.nationality_kind,
        case when n.cells_not_reported = 0 then n.detections end as detections,
        case when y.months_covered = 12 and y.cells_not_reported = 0
             then round(100.0 * n.detections / nullif(y.route_detections, 0), 2) end as share_percent,
        case when y.months_covered = 12 and y.cells_not_reported = 0 then y.route_detections end as route_detections,
        y.months_covered,
        y.months_covered = 12 and y.cells_not_reported = 0 as is_complete,
        case
            when y.months_covered < 12 then 'partial year: ' || y.months_covered || ' months to ' || strftime(y.covered_to, '%Y-%m')
            when y.cells_not_reported > 0 then y.cells_not_reported || ' empty cell(s) in the year'
        end as share_null_reason
    from by_nationality as n
    inner join by_year as y using (year)
)

select * from final
order by year, detections desc nulls last, nationality_key
