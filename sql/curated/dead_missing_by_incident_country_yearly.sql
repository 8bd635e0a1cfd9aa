-- curated.dead_missing_by_incident_country_yearly
-- Grain: one row per incident year, country of incident (or waters off it) and method of attribution, over the
-- IOM Missing Migrants incidents of the Central Mediterranean route (curated.mmp_incidents). The country is the
-- snapshot's own Country of Incident where the vintage has that column ('reported country'), else the nearest
-- coast to the incident's coordinates among the vendored world_50m country shapes ('nearest coast from
-- coordinates', table incident_places built by the asset's setup), else 'unknown' with method null: such
-- incidents are counted, never dropped. Incidents with no year keep year null.

with incidents as (
    select * from curated.mmp_incidents
    where route = 'Central Mediterranean'
),

attributed as (
    select
        i.year,
        i.incident_id,
        i.dead_and_missing,
        i.source_file,
        case
            when i.country_of_incident is not null then 'reported country'
            when p.coast_iso3 is not null then 'nearest coast from coordinates'
        end as method,
        case
            when i.country_of_incident is not null then r.name_iso3
            else p.coast_iso3
        end as country_iso3,
        case
            when i.country_of_incident is not null then i.country_of_incident
            when p.coast_iso3 is not null then p.coast_name
            else 'unknown'
        end as country,
        case when i.country_of_incident is null then p.coast_km end as coast_km
    from incidents as i
    left join incident_places as p
        on i.country_of_incident is null and i.lat = p.lat and i.lon = p.lon
    left join incident_country_names as r
        on i.country_of_incident = r.country_of_incident
),

yearly_coverage as (
    select
        year(month) as year,
        sum(days_covered) as days_covered,
        sum(days_in_month) as days_in_year,
        max(case when days_covered > 0 then month + to_days(days_covered - 1) end) as covered_to
    from curated.mmp_coverage_monthly
    group by all
),

grouped as (
    select
        year,
        country,
        country_iso3,
        method,
        count(*) as incidents,
        sum(dead_and_missing) as dead_and_missing,
        max(coast_km) as max_coast_km,
        string_agg(distinct source_file, '; ' order by source_file) as source_files
    from attributed
    group by all
),

route_totals as (
    select year, sum(dead_and_missing) as route_dead_and_missing
    from attributed
    group by all
),

final as (
    select
        g.year,
        g.country,
        g.country_iso3,
        g.method,
        g.incidents,
        g.dead_and_missing,
        t.route_dead_and_missing,
        case when c.days_covered = c.days_in_year and t.route_dead_and_missing > 0
            then round(100.0 * g.dead_and_missing / t.route_dead_and_missing, 1) end as share_percent,
        coalesce(c.days_covered = c.days_in_year, false) as is_complete,
        c.covered_to,
        round(g.max_coast_km, 1) as max_coast_km,
        g.source_files
    from grouped as g
    left join route_totals as t on g.year is not distinct from t.year
    left join yearly_coverage as c on g.year = c.year
)

select * from final
order by year nulls last, dead_and_missing desc nulls last, country, method
