-- staging.stg_eurostat_eipre__observations
-- Grain: one row per response (source_file) and published cell (a value, or a flag without a value) of
-- Eurostat migr_eipre: geo, year, reason, place of apprehension, citizenship, sex, age, unit. Reads
-- raw.eurostat_eipre__observations (JSON-stat cells as text), raw.eurostat_eipre__labels (the labels each
-- response gives) and the tables eurostat_eipre__files (vintage rank), eurostat_eipre__geo and
-- eurostat_eipre__flags.
-- Judgement calls (counted in the asset's metadata, listed per row in `cleaning_notes`):
--   a flag without a value (':' not available, 'c' confidential) is a row with value null, never 0; flags are
--   kept as published (b break in series, d definition differs, p provisional, e estimated ...), with
--   the label the response gives; a position the response does not list is not reported (no row);
--   is_preferred: for each observation key, the newest-vintage response (Eurostat's `updated`, then access
--   date) that has the cell.

with source as (
    select * from raw.eurostat_eipre__observations
),

renamed as (
    select
        _source_file as source_file,
        _source_path as source_path,
        geo,
        cast(time as integer) as year,
        reason as reason_code,
        apprehen as apprehension_code,
        citizen as citizen_code,
        sex as sex_code,
        age as age_code,
        unit as unit_code,
        nullif(value, '') as value_published,
        cast(nullif(value, '') as bigint) as value,
        nullif(status, '') as flag
    from source
),

labelled as (
    select
        renamed.*,
        files.updated,
        files.structure_version,
        files.vintage_rank,
        geo.iso3 as country_iso3,
        coalesce(geo.geo_level, 'unknown') as geo_level,
        coalesce(geo_label.label, geo.geo_name) as geo_name,
        reason.label as reason,
        apprehension.label as apprehension,
        flag_label.label as flag_label,
        flags.flag is null and renamed.flag is not null as flag_unknown
    from renamed
    inner join eurostat_eipre__files as files using (source_file)
    left join eurostat_eipre__geo as geo on geo.geo = renamed.geo
    left join raw.eurostat_eipre__labels as geo_label
        on geo_label.source_file = renamed.source_file and geo_label.dimension = 'geo' and geo_label.code = renamed.geo
    left join raw.eurostat_eipre__labels as reason
        on reason.source_file = renamed.source_file and reason.dimension = 'reason' and reason.code = renamed.reason_code
    left join raw.eurostat_eipre__labels as apprehension
        on apprehension.source_file = renamed.source_file and apprehension.dimension = 'apprehen'
        and apprehension.code = renamed.apprehension_code
    left join raw.eurostat_eipre__labels as flag_label
        on flag_label.source_file = renamed.source_file and flag_label.dimension = 'status' and flag_label.code = renamed.flag
    left join eurostat_eipre__flags as flags on flags.flag = renamed.flag
),

keyed as (
    select
        *,
        concat_ws('|', geo, year, coalesce(reason_code, ''), coalesce(apprehension_code, ''),
                  coalesce(citizen_code, ''), coalesce(sex_code, ''), coalesce(age_code, ''), coalesce(unit_code, ''))
            as observation_key
    from labelled
),

final as (
    select
        source_file,
        updated,
        structure_version,
        observation_key,
        geo,
        geo_level,
        geo_name,
        country_iso3,
        year,
        reason_code,
        reason,
        apprehension_code,
        apprehension,
        citizen_code,
        sex_code,
        age_code,
        unit_code,
        value,
        value_published,
        flag,
        flag_label,
        case
            when value is not null then 'published'
            when contains(coalesce(flag, ''), 'c') then 'confidential'
            else 'not available'
        end as value_status,
        vintage_rank = min(vintage_rank) over (partition by observation_key) as is_preferred,
        vintage_rank,
        source_path,
        list_filter([
            case when value is null then 'flag without a value kept null: ' || coalesce(flag, '(none)') end,
            case when flag is not null then 'flag kept: ' || flag end,
            case when flag_unknown then 'unknown flag: ' || flag end,
            case when geo_level = 'unknown' then 'unknown geo code: ' || geo end,
            case when geo_level = 'aggregate' then 'aggregate: ' || geo end
        ], lambda x: x is not null) as cleaning_notes
    from keyed
)

select * from final
order by source_file, observation_key
