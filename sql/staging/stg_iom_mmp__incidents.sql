-- staging.stg_iom_mmp__incidents
-- Grain: one row per incident record of each IOM Missing Migrants snapshot in use (source_file tells them apart).
-- Reads `iom_mmp__renamed`, the raw rows of every snapshot with its publisher's headers mapped to these names
-- by its own layout (pipelines/defs/iom_mmp/columns.csv), so the same model serves every vintage.
-- Judgement calls (each counted in the asset's metadata and listed per row in `cleaning_notes`):
--   negative counts are set null; coordinates outside -90..90 / -180..180 are set null; a missing total is derived as dead + missing;
--   coordinates written 'POINT (longitude latitude)' are read in that order (noted);
--   a missing year or month is taken from the date; an impossible date is set null;
--   route and region labels renamed between vintages are mapped to the current label.

with source as (
    select * from iom_mmp__renamed
),

renamed as (
    select
        source_file,
        source_row,
        trim(incident_id) as incident_id,
        split_values(incident_id) as incident_ids,
        nullif(trim(main_id), '') as main_id,
        split_values(incident_type) as incident_types,
        split_values(region) as regions_published,
        split_values(route) as routes_published,
        coalesce(
            try_strptime(trim(incident_date), '%Y-%m-%d'),
            try_strptime(trim(incident_date), '%B %d, %Y'),
            try_strptime(trim(incident_date), '%a, %m/%d/%Y - %H:%M')
        )::date as incident_date,
        nullif(trim(incident_date), '') as incident_date_published,
        parse_count(incident_year) as year_published,
        parse_month(month) as month_published,
        parse_count(dead) as dead_published,
        parse_count(missing) as missing_published,
        parse_count(dead_and_missing) as total_published,
        parse_count(survivors) as survivors_published,
        parse_count(females) as females_published,
        parse_count(males) as males_published,
        parse_count(children) as children_published,
        split_values(country_of_origin) as countries_of_origin,
        nullif(trim(region_of_origin), '') as region_of_origin,
        nullif(trim(cause_of_death), '') as cause_of_death,
        nullif(trim(country_of_incident), '') as country_of_incident,
        nullif(trim(location), '') as location,
        -- 'latitude, longitude', or 'POINT (longitude latitude)' (WKT, as some exports write it: order swapped)
        case
            when starts_with(trim(coordinates), 'POINT')
                then try_cast(regexp_extract(trim(coordinates), '(-?[0-9.]+) +(-?[0-9.]+)', 2) as double)
            else try_cast(nullif(trim(split_part(coordinates, ',', 1)), '') as double)
        end as latitude_published,
        case
            when starts_with(trim(coordinates), 'POINT')
                then try_cast(regexp_extract(trim(coordinates), '(-?[0-9.]+) +(-?[0-9.]+)', 1) as double)
            else try_cast(nullif(trim(split_part(coordinates, ',', 2)), '') as double)
        end as longitude_published,
        nullif(trim(coordinates), '') as coordinates_published,
        nullif(trim(unsd_geographical_grouping), '') as unsd_geographical_grouping,
        nullif(trim(information_source), '') as information_source,
        nullif(trim(url), '') as url,
        list_transform(split_values(source_quality), lambda x: cast(x as integer)) as source_quality_values
    from source
),

route_map as (
    select map(list(publisher_label), list(route)) as labels from iom_mmp__route_labels
),

region_map as (
    select map(list(publisher_label), list(region)) as labels from iom_mmp__region_labels
),

labelled as (
    select
        renamed.*,
        list_transform(routes_published, lambda x: coalesce(route_map.labels[x], x)) as routes,
        list_transform(regions_published, lambda x: coalesce(region_map.labels[x], x)) as regions
    from renamed
    cross join route_map
    cross join region_map
),

cleaned as (
    select
        *,
        case when dead_published >= 0 then dead_published end as dead,
        case when missing_published >= 0 then missing_published end as missing,
        case when survivors_published >= 0 then survivors_published end as survivors,
        case when females_published >= 0 then females_published end as females,
        case when males_published >= 0 then males_published end as males,
        case when children_published >= 0 then children_published end as children,
        abs(latitude_published) <= 90 and abs(longitude_published) <= 180 as coordinates_valid,
        case when coordinates_valid then latitude_published end as latitude,
        case when coordinates_valid then longitude_published end as longitude,
        coalesce(year_published, year(incident_date)) as incident_year,
        coalesce(month_published, month(incident_date)) as incident_month
    from labelled
),

final as (
    select
        incident_id,
        incident_ids,
        main_id,
        source_file,
        source_row,
        incident_types[1] as incident_type,
        incident_types,
        incident_date,
        incident_year,
        incident_month,
        regions[1] as region,
        regions,
        routes[1] as route,
        routes,
        dead,
        missing,
        case
            when total_published >= 0 then total_published
            when total_published is null and coalesce(dead, missing) is not null
                then coalesce(dead, 0) + coalesce(missing, 0)
        end as dead_and_missing,
        survivors,
        females,
        males,
        children,
        countries_of_origin,
        region_of_origin,
        cause_of_death,
        country_of_incident,
        location,
        latitude,
        longitude,
        unsd_geographical_grouping,
        information_source,
        url,
        list_max(source_quality_values) as source_quality,
        source_quality_values,
        list_filter([
            case when dead_published < 0 then 'negative dead set null: ' || dead_published end,
            case when missing_published < 0 then 'negative missing set null: ' || missing_published end,
            case when survivors_published < 0 then 'negative survivors set null: ' || survivors_published end,
            case when females_published < 0 then 'negative females set null: ' || females_published end,
            case when males_published < 0 then 'negative males set null: ' || males_published end,
            case when children_published < 0 then 'negative children set null: ' || children_published end,
            case when total_published < 0 then 'negative total set null: ' || total_published end,
            case
                when total_published is null and coalesce(dead, missing) is not null
                    then 'total derived from dead + missing'
            end,
            case when year_published is null and incident_date is not null then 'year taken from date' end,
            case when month_published is null and incident_date is not null then 'month taken from date' end,
            case
                when incident_date is null and incident_date_published is not null
                    then 'impossible date set null: ' || incident_date_published
            end,
            case
                when not coordinates_valid
                    then 'coordinates out of range set null: ' || coordinates_published
            end,
            case
                when starts_with(coordinates_published, 'POINT')
                    then 'coordinates read from POINT (longitude latitude)'
            end,
            case when routes <> routes_published then 'route label mapped: ' || array_to_string(routes_published, ',') end,
            case when regions <> regions_published then 'region label mapped: ' || array_to_string(regions_published, ',') end,
            case when len(routes) > 1 then 'multi-valued route' end,
            case when len(regions) > 1 then 'multi-valued region' end,
            case when len(incident_ids) > 1 then 'merged incident ids' end
        ], lambda x: x is not null) as cleaning_notes
    from cleaned
)

-- Rows keep the raw table's order, which is the file's (DuckDB preserves insertion order): no sort, which
-- at 1.9 million incidents cost seconds and most of the step's memory.
select * from final
