-- curated.illegally_present_yearly
-- Grain: one row per reporting country (or EU aggregate) and year of Eurostat migr_eipre, all reasons and
-- places of apprehension (TOTAL / TOTAL), every citizenship, sex and age: third-country nationals found to be
-- illegally present, from the preferred response of each observation, with the flag attached.

with totals as (
    select * from staging.stg_eurostat_eipre__observations
    where is_preferred and coalesce(reason_code, 'TOTAL') = 'TOTAL' and coalesce(apprehension_code, 'TOTAL') = 'TOTAL'
        and coalesce(citizen_code, 'TOTAL') = 'TOTAL' and coalesce(sex_code, 'T') = 'T'
        and coalesce(age_code, 'TOTAL') = 'TOTAL'
),

final as (
    select
        geo,
        geo_level,
        geo_name,
        country_iso3,
        year,
        value as found_illegally_present,
        value_status,
        flag,
        flag_label,
        updated as dataset_updated,
        structure_version,
        source_file,
        source_path
    from totals
)

select * from final
order by geo, year
