-- staging.stg_unodc_glotip__subregion_values
-- Grain: one row per area code, indicator, dimension, category, sex, age and year of the GLOTIP release in use,
-- for the rows that name no country: UNODC's sub-regional aggregates (957 rows in the 2023 release, under codes
-- such as SAM, SAF, CAS, EEU; none in the 2025 release). Kept apart from the country rows so that they are
-- never added to them. UNODC does not publish the names of these codes in the file; area_code is as published.
-- Same rules as stg_unodc_glotip__country_values: exact duplicates removed, conflicting keys kept once, value null.

with source as (
    select * from staging.stg_unodc_glotip__records
    where release = 'current' and is_aggregate and is_key_first_row
),

final as (
    select
        area_code,
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
order by area_code, indicator, dimension, category nulls first, sex, age, year
