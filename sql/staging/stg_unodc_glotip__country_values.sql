-- staging.stg_unodc_glotip__country_values
-- Grain: one row per country, indicator, dimension, category, sex, age and year of the GLOTIP release in use.
-- Built from staging.stg_unodc_glotip__records (release = 'current', rows naming a country): exact duplicates
-- removed; a key the publisher gives several different values is kept once with value null and
-- value_status 'conflicting' (every published value in published_values, their rows in source_rows).

with source as (
    select * from staging.stg_unodc_glotip__records
    where release = 'current' and not is_aggregate and is_key_first_row
),

final as (
    select
        iso3_code as country_iso3,
        country,
        region,
        subregion,
        year,
        indicator,
        indicator_published,
        definition,
        dimension,
        category,
        category_iso3,
        category_mapping,
        sex,
        age,
        unit,
        case
            when is_key_conflict then 'conflicting'
            when is_suppressed then 'suppressed'
            when is_code_artefact then 'not a count'
            else 'published'
        end as value_status,
        case when not is_key_conflict then value end as value,
        not is_key_conflict and is_suppressed as is_suppressed,
        case when not is_key_conflict then suppressed_below end as suppressed_below,
        case when is_key_conflict then array_to_string(key_values, ' | ') else value_published end as value_published,
        key_values as published_values,
        release_date,
        source_file,
        source_row,
        key_rows as source_rows,
        cleaning_notes
    from source
)

select * from final
order by country, indicator, dimension, category nulls first, sex, age, year
