-- staging.stg_unhcr_odp__arrivals
-- Grain: one row per point of a UNHCR portal time series (country x arrival type x frequency x period x file).
-- Overlapping snapshots of the same series: for each period the newest snapshot that has the point is preferred
-- (is_preferred); a period only an older snapshot has keeps its point, so a newer extract of a few months never
-- blanks out the rest of the series.

with source as (
    select * from raw.unhcr_odp__timeseries
),

snapshots as (
    select file, accessed, loaded_at from meta.snapshots_used where raw_table = 'raw.unhcr_odp__timeseries'
),

renamed as (
    select
        source._source_file as source_file,
        source._source_path as source_path,
        source.geo_id,
        geo.iso3 as country_iso3,
        coalesce(geo.name, source.geo_master_name) as country,
        source.geo_master_name,
        source.population_group,
        groups.arrival_type,
        coalesce(nullif(source.frequency, ''), case when source.month is not null then 'month' else 'day' end)
            as frequency,
        nullif(source.sv_id, '') as situation_view,
        source.response_shape,
        cast(source.year as integer) as year,
        cast(source.month as integer) as month,
        try_cast(source.data_date as date) as data_date,
        cast(source.individuals as bigint) as individuals,
        snapshots.accessed as snapshot_accessed
    from source
    left join unhcr_odp__geo_ids as geo on source.geo_id = geo.geo_id
    left join unhcr_odp__population_groups as groups on source.population_group = groups.population_group
    left join snapshots on source._source_file = snapshots.file
),

typed as (
    select
        *,
        case when month is not null then make_date(year, month, 1) else data_date end as period_start
    from renamed
),

final as (
    select
        country_iso3,
        country,
        geo_id,
        arrival_type,
        population_group,
        frequency,
        period_start,
        coalesce(year, year(period_start)) as year,
        coalesce(month, month(period_start)) as month,
        individuals as arrivals,
        row_number() over (
            partition by geo_id, population_group, frequency, period_start
            order by snapshot_accessed desc, source_file desc
        ) = 1 as is_preferred,
        situation_view,
        response_shape,
        snapshot_accessed,
        list_filter([
            case when country_iso3 is null then 'unknown geo id: ' || geo_id end,
            case when geo_master_name is not null and country is not null and geo_master_name <> country
                then 'response names another country: ' || geo_master_name end,
            case when arrival_type is null and population_group <> '' then 'unknown population group: ' || population_group end
        ], lambda x: x is not null) as cleaning_notes,
        source_file,
        source_path
    from typed
)

select * from final
order by country_iso3, arrival_type, frequency, period_start, snapshot_accessed desc
