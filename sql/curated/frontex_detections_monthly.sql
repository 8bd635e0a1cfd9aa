-- curated.frontex_detections_monthly
-- Grain: one row per route, border type, nationality (nationality_key) and month, from the Frontex workbook
-- preferred for the month (the newest vintage covering it: stg_frontex_ibc__detections.is_preferred).
-- Detections of illegal border-crossing between border crossing points, not persons.

with preferred as (
    select * from staging.stg_frontex_ibc__detections
    where is_preferred
),

final as (
    select
        route,
        border_type,
        nationality_key,
        nationality,
        nationality_iso3,
        nationality_kind,
        nationality_published,
        month,
        detections,
        detections_published,
        release_date,
        source_file,
        source_row,
        source_column
    from preferred
)

select * from final
order by route, border_type, nationality_key, month
