-- curated.mmp_incidents
-- Grain: one row per incident of the IOM Missing Migrants snapshot that feeds the incident's month
-- (curated.mmp_coverage_monthly). Incidents with no year or month come from the snapshot that feeds the most
-- months (ties: the newest vintage).
-- An incident the publisher files under several routes gets route 'Multiple routes' (its list stays in
-- `routes`), so no death is counted on a route the publisher did not attribute it to alone.

with chosen as (
    select month, source_file from curated.mmp_coverage_monthly
    where source_file is not null
),

primary_snapshot as (
    select source_file from curated.mmp_vintages
    order by months_fed desc, vintage_date desc, source_file
    limit 1
),

source as (
    select i.*
    from staging.stg_iom_mmp__incidents as i
    inner join chosen as c
        on i.source_file = c.source_file
        and make_date(i.incident_year, i.incident_month, 1) = c.month
    union all
    select i.*
    from staging.stg_iom_mmp__incidents as i
    where (i.incident_year is null or i.incident_month is null)
        and i.source_file = (select source_file from primary_snapshot)
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
