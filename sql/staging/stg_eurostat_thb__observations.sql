-- staging.stg_eurostat_thb__observations
-- Grain: one row per observation (dataset, dimension codes, year) of the newest snapshot of each configured
-- crim_thb dataset. Reads `eurostat_thb__long` (the raw SDMX-CSV rows with every dimension in a map, named
-- from each file's own header) and the configuration tables `eurostat_thb__datasets`, `eurostat_thb__codes`,
-- `eurostat_thb__definitions` and `eurostat_thb__geo` (pipelines/defs/eurostat_thb/datasets.toml).
-- Judgement calls (counted in the asset's metadata, listed per row in `cleaning_notes`):
--   OBS_VALUE ':' or empty is null, never 0; with a confidentiality flag (OBS_FLAG containing 'c', or
--   CONF_STATUS C / N) it is 'confidential' (is_suppressed), otherwise 'not available';
--   OBS_FLAG and CONF_STATUS are kept as published; an unknown code keeps its code as its label (the
--   known-codes check warns); Eurostat geo codes map to ISO3 (EL -> GRC, UK -> GBR, XK -> XKX), EU
--   aggregates keep geo_level 'aggregate'.

with source as (
    select * from eurostat_thb__long
),

renamed as (
    select
        dataset,
        trim(dataflow) as dataflow,
        strptime(trim(last_update), '%d/%m/%y %H:%M:%S') as last_update,
        dimensions,
        array_to_string(
            list_sort(list_transform(map_entries(dimensions), lambda e: e.key || '=' || e.value)), ','
        ) as series_key,
        dimensions['geo'] as geo,
        coalesce(dimensions['sex'], 'T') as sex_code,
        coalesce(dimensions['age'], 'TOTAL') as age_code,
        cast(trim(time_period) as integer) as year,
        trim(obs_value) as value_published,
        case when trim(obs_value) not in ('', ':') then cast(cast(trim(obs_value) as decimal(18, 3)) as bigint) end
            as value,
        nullif(trim(obs_flag), '') as obs_flag,
        nullif(trim(conf_status), '') as conf_status,
        source_file,
        source_row
    from source
),

configured as (
    select
        renamed.*,
        datasets.dimension,
        case when datasets.breakdown is not null then renamed.dimensions[datasets.breakdown] end as category_code,
        coalesce(datasets.indicator, renamed.dimensions[datasets.indicator_dimension]) as indicator_code,
        datasets.breakdown,
        datasets.indicator_dimension
    from renamed
    left join eurostat_thb__datasets as datasets using (dataset)
),

labelled as (
    select
        configured.*,
        coalesce(indicators.label, configured.indicator_code) as indicator,
        indicators.code is null and configured.indicator_dimension is not null as indicator_unknown,
        coalesce(categories.label, configured.category_code, 'Total') as category_label,
        categories.code is null and configured.category_code is not null as category_unknown,
        coalesce(sexes.label, configured.sex_code) as sex,
        sexes.code is null as sex_unknown,
        coalesce(ages.label, configured.age_code) as age,
        ages.code is null as age_unknown,
        geo.iso3 as country_iso3,
        coalesce(geo.geo_level, 'unknown') as geo_level,
        geo.geo_name
    from configured
    left join eurostat_thb__codes as indicators
        on indicators.dimension = configured.indicator_dimension and indicators.code = configured.indicator_code
    left join eurostat_thb__codes as categories
        on categories.dimension = configured.breakdown and categories.code = configured.category_code
    left join eurostat_thb__codes as sexes
        on sexes.dimension = 'sex' and sexes.code = configured.sex_code
    left join eurostat_thb__codes as ages
        on ages.dimension = 'age' and ages.code = configured.age_code
    left join eurostat_thb__geo as geo
        on geo.geo = configured.geo
),

final as (
    select
        dataset,
        dataflow,
        last_update,
        series_key,
        dimensions,
        geo,
        geo_level,
        geo_name,
        country_iso3,
        year,
        indicator,
        coalesce(definitions.definition, 'Eurostat: ' || indicator || ' (not described in datasets.toml)')
            as definition,
        dimension,
        category_code,
        category_label,
        sex,
        age,
        value,
        case
            when value is not null then 'published'
            when contains(coalesce(obs_flag, ''), 'c') or conf_status in ('C', 'N') then 'confidential'
            else 'not available'
        end as value_status,
        value is null and (contains(coalesce(obs_flag, ''), 'c') or coalesce(conf_status in ('C', 'N'), false))
            as is_suppressed,
        value_published,
        obs_flag,
        conf_status,
        source_file,
        source_row,
        list_filter([
            case when value is null then 'missing value kept null: ' || coalesce(nullif(value_published, ''), '(empty)') end,
            case when obs_flag is not null then 'flag kept: ' || obs_flag end,
            case when conf_status is not null then 'confidentiality status kept: ' || conf_status end,
            case when indicator_unknown then 'unknown indicator code: ' || indicator_code end,
            case when category_unknown then 'unknown category code: ' || category_code end,
            case when sex_unknown then 'unknown sex code: ' || sex_code end,
            case when age_unknown then 'unknown age code: ' || age_code end,
            case when geo_level = 'unknown' then 'unknown geo code: ' || geo end,
            case when geo_level = 'aggregate' then 'aggregate: ' || geo end
        ], lambda x: x is not null) as cleaning_notes
    from labelled
    left join eurostat_thb__definitions as definitions using (indicator)
)

select * from final
order by dataset, series_key, year
