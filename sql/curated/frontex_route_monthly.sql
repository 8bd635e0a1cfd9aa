-- curated.frontex_route_monthly
-- Grain: one row per route and month that the preferred Frontex workbook covers: detections summed over
-- every nationality row (the unknown and unspecified categories included) and both border types, and by
-- border type. A border type the workbook has no row for on the route is null (not reported), never 0.
-- A sum over cells of which one is empty (not reported) is null, with the count of such cells.

with preferred as (
    select * from staging.stg_frontex_ibc__detections
    where is_preferred
),

by_route as (
    select
        route,
        month,
        count(*) as cells,
        count(*) - count(detections) as cells_not_reported,
        sum(detections) as detections_reported,
        sum(detections) filter (where border_type = 'Sea') as sea,
        count(*) filter (where border_type = 'Sea') as sea_cells,
        count(detections) filter (where border_type = 'Sea') as sea_cells_reported,
        sum(detections) filter (where border_type = 'Land') as land,
        count(*) filter (where border_type = 'Land') as land_cells,
        count(detections) filter (where border_type = 'Land') as land_cells_reported,
        sum(detections) filter (where nationality_kind <> 'country') as not_a_country,
        count(distinct nationality_key) filter (where detections > 0) as nationalities_detected,
        any_value(release_date) as release_date,
        any_value(source_file) as source_file,
        min(source_row) as first_source_row,
        max(source_row) as last_source_row,
        any_value(source_column) as source_column
    from preferred
    group by route, month
),

final as (
    select
        route,
        month,
        case when cells_not_reported = 0 then detections_reported end as detections,
        case when sea_cells > 0 and sea_cells = sea_cells_reported then sea end as detections_sea,
        case when land_cells > 0 and land_cells = land_cells_reported then land end as detections_land,
        case when cells_not_reported = 0 then not_a_country end as detections_nationality_not_a_country,
        nationalities_detected,
        cells,
        cells_not_reported,
        cells_not_reported = 0 as is_complete,
        release_date,
        source_file,
        first_source_row,
        last_source_row,
        source_column
    from by_route
)

select * from final
order by route, month
