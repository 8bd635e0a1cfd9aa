-- curated.thb_victims
-- Grain: one row per source, dataset, area, year, indicator, breakdown (dimension and category), sex and age:
-- UNODC GLOTIP country rows and sub-regional aggregates (release in use), and Eurostat crim_thb observations.
-- The two sources count different things (UNODC: victims detected, as reported to UNODC; Eurostat: victims
-- registered under Directive 2011/36/EU): `source` and `definition` say which, and rows of different sources
-- are never added together. Built from whichever of the two sources the build loaded (thb__* views:
-- the staging table, or an empty relation when the source was left out). Aggregates (geo_level 'region' or 'aggregate') are never added to countries.

with glotip_countries as (
    select * from thb__unodc_glotip_country_values
),

glotip_subregions as (
    select * from thb__unodc_glotip_subregion_values
),

eurostat as (
    select * from thb__eurostat_thb_observations
),

glotip as (
    select
        'unodc_glotip' as source,
        'data_glotip' as dataset,
        definition,
        'country' as geo_level,
        coalesce(country_iso3, country) as geo_code,
        country_iso3,
        country as country_name,
        year,
        indicator,
        dimension,
        category,
        category as category_label,
        category_iso3,
        sex,
        age,
        value,
        value_status,
        is_suppressed,
        suppressed_below,
        case when is_suppressed then value_published end as flag,
        null::varchar as conf_status,
        value_published,
        release_date,
        source_file,
        source_row
    from glotip_countries
    union all
    select
        'unodc_glotip',
        'data_glotip',
        definition,
        'region',
        area_code,
        null,
        null,
        year,
        indicator,
        dimension,
        category,
        category,
        category_iso3,
        sex,
        age,
        value,
        value_status,
        is_suppressed,
        suppressed_below,
        case when is_suppressed then value_published end,
        null,
        value_published,
        release_date,
        source_file,
        source_row
    from glotip_subregions
),

eurostat_rows as (
    select
        'eurostat_thb' as source,
        dataset,
        definition,
        geo_level,
        geo as geo_code,
        country_iso3,
        geo_name as country_name,
        year,
        indicator,
        dimension,
        coalesce(category_code, 'TOTAL') as category,
        category_label,
        null::varchar as category_iso3,
        sex,
        age,
        value,
        value_status,
        is_suppressed,
        null::integer as suppressed_below,
        obs_flag as flag,
        conf_status,
        value_published,
        cast(last_update as date) as release_date,
        source_file,
        source_row
    from eurostat
),

final as (
    select * from glotip
    union all
    select * from eurostat_rows
)

select * from final
order by source, dataset, geo_level, geo_code, indicator, dimension, category nulls first, sex, age, year
