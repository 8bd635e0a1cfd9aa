-- curated.mmp_incidents
-- Grain: one row per incident of the IOM Missing Migrants snapshot in use.
-- An incident the publisher files under several routes gets route 'Multiple routes' (its list stays in
-- `routes`), so no death is counted on a route the publisher did not attribute it to alone.

with source as (
    select * from staging.stg_iom_mmp__incidents
),

final as (
    select
        incident_id,
        incident_date,
        incident_year as year,
        incident_month as month,
        region,
        case when len(routes) > 1 then 'Multiple routes' else route end as route,
        routes,
        dead,
        missing,
        dead_and_missing,
        survivors,
        country_of_incident,
        latitude as lat,
        longitude as lon,
        source_quality,
        source_file,
        source_row
    from source
)

select * from final
order by year nulls last, month nulls last, incident_date nulls last, incident_id, source_row
