-- staging.stg_unhcr_odp__arrivals_by_nationality
-- Grain: one row per point of a UNHCR portal origin response (destination x nationality x month x file).

with source as (
    select * from raw.unhcr_odp__origin
),

snapshots as (
    select file, accessed from meta.snapshots_used where raw_table = 'raw.unhcr_odp__origin'
),

renamed as (
    select
        source._source_file as source_file,
        source._source_path as source_path,
        source.geo_id,
        geo.iso3 as destination_iso3,
        coalesce(geo.name, source.geomaster_name) as destination,
        trim(source.pop_origin_code) as origin_code,
        source.pop_origin_name as origin_name,
        codes.iso3 as mapped_iso3,
        codes.code is not null as code_known,
        codes.name as code_name,
        cast(source.year as integer) as year,
        cast(source.month as integer) as month,
        cast(source.individuals as bigint) as arrivals,
        snapshots.accessed as snapshot_accessed
    from source
    left join unhcr_odp__geo_ids as geo on source.geo_id = geo.geo_id
    left join unhcr_odp__origin_codes as codes on trim(source.pop_origin_code) = codes.code
    left join snapshots on source._source_file = snapshots.file
),

final as (
    select
        destination_iso3,
        destination,
        origin_code,
        origin_name,
        nullif(mapped_iso3, '') as nationality_iso3,
        origin_code in ('OTH', 'STA') as is_other,
        make_date(year, month, 1) as month,
        year,
        arrivals,
        row_number() over (
            partition by geo_id, origin_code, year, month order by snapshot_accessed desc, source_file desc
        ) = 1 as is_preferred,
        snapshot_accessed,
        list_filter([
            case when not code_known then 'unknown origin code: ' || origin_code end,
            case when code_known and code_name <> origin_name
                then 'origin name differs from the code list: ' || origin_code || ' = ' || origin_name end,
            case when destination_iso3 is null then 'unknown geo id: ' || geo_id end
        ], lambda x: x is not null) as cleaning_notes,
        source_file,
        source_path
    from renamed
)

select * from final
order by destination_iso3, month, origin_code
