-- staging.stg_unodc_glotip__records
-- Grain: one row per data row of each GLOTIP release loaded: the release in use (release = 'current') and, when
-- the raw store holds an earlier release, the one before it (release = 'previous', read only by
-- curated.glotip_revisions). Exact duplicate rows are kept here, flagged; the *_values tables drop them.
-- Reads `unodc_glotip__renamed` (both raw tables with snake_case names), `unodc_glotip__category_map`
-- (label -> ISO3, pipelines/defs/unodc_glotip/labels.py) and `unodc_glotip__indicators` (indicator_labels.csv).
-- Judgement calls (counted in the asset's metadata, listed per row in `cleaning_notes`):
--   txtVALUE "2,146" is read as 2146; "<5" is suppressed: value null, is_suppressed, suppressed_below 5;
--   a txtVALUE whose digits spell a questionnaire item code ("61,212,020" = item 6.1, 21, 2020; 128 rows of
--   the 2025 release, under labels such as "Q6.1_21s_2020" or "Nationals") is not a count: value null,
--   is_code_artefact;
--   a row identical to an earlier row of the same release is an exact duplicate (copy_number > 1);
--   rows sharing a key (area, indicator, dimension, category, sex, age, year, unit) with different values
--   are a conflict: no value is chosen, every published value is listed in key_values;
--   citizenship and repatriation labels are mapped to ISO3; "Nationals" resolves to the reporting country.

with source as (
    select * from unodc_glotip__renamed
),

renamed as (
    select
        release,
        release_date,
        source_file,
        source_row,
        nullif(trim(iso3_code), '') as iso3_code,
        nullif(trim(country), '') as country,
        nullif(trim(region), '') as region,
        nullif(trim(subregion), '') as subregion,
        trim(indicator) as indicator_published,
        trim(dimension) as dimension_published,
        nullif(trim(category), '') as category,
        trim(sex) as sex,
        trim(age) as age,
        cast(trim(year) as integer) as year,
        trim(unit) as unit,
        trim(value_text) as value_published,
        trim(data_source) as data_source
    from source
),

typed as (
    select
        *,
        country is null as is_aggregate,
        coalesce(iso3_code, country) as area_code,
        regexp_full_match(value_published, '<\s*[0-9]+') as is_suppressed,
        case
            when regexp_full_match(value_published, '<\s*[0-9]+')
                then cast(regexp_extract(value_published, '[0-9]+') as integer)
        end as suppressed_below,
        regexp_full_match(replace(value_published, ',', ''), '61[0-9]{1,2}(19|20)[0-9]{2}') as is_code_artefact,
        case when not is_code_artefact then parse_count(value_published) end as value,
        contains(value_published, ',') as has_thousands_separator,
        case when not is_code_artefact then replace(replace(value_published, ',', ''), ' ', '') end as value_normalised
    from renamed
),

copies as (
    select
        *,
        row_number() over (
            partition by release, iso3_code, country, region, subregion, indicator_published, dimension_published,
                category, sex, age, year, unit, value_published, data_source
            order by source_row
        ) as copy_number,
        min(source_row) over (
            partition by release, iso3_code, country, region, subregion, indicator_published, dimension_published,
                category, sex, age, year, unit, value_published, data_source
        ) as first_copy_row
    from typed
),

keys as (
    select
        release,
        area_code,
        indicator_published,
        dimension_published,
        coalesce(category, '') as category_key,
        sex,
        age,
        year,
        unit,
        count(distinct value_normalised) > 1 as is_key_conflict,
        list_sort(list(distinct value_published) filter (where not is_code_artefact)) as key_values,
        list_sort(list(source_row) filter (where copy_number = 1)) as key_rows,
        arg_min(source_row, (is_code_artefact, copy_number, source_row)) as key_first_row
    from copies
    group by all
),

keyed as (
    select
        copies.*,
        keys.is_key_conflict,
        keys.key_values,
        keys.key_rows,
        copies.source_row = keys.key_first_row as is_key_first_row
    from copies
    join keys
        on copies.release = keys.release
        and copies.area_code = keys.area_code
        and copies.indicator_published = keys.indicator_published
        and copies.dimension_published = keys.dimension_published
        and coalesce(copies.category, '') = keys.category_key
        and copies.sex = keys.sex
        and copies.age = keys.age
        and copies.year = keys.year
        and copies.unit = keys.unit
),

mapped as (
    select
        keyed.*,
        coalesce(indicators.indicator, lower(keyed.indicator_published)) as indicator,
        coalesce(
            indicators.definition,
            'UNODC GLOTIP: ' || keyed.indicator_published || ' (not described in indicator_labels.csv)'
        ) as definition,
        lower(regexp_replace(keyed.dimension_published, '^by ', '')) as dimension,
        case
            when keyed.dimension_published in ('by citizenship', 'by country of repatriation')
                then coalesce(labels.mapping, 'unmapped')
        end as category_mapping,
        case
            when labels.mapping = 'nationals' and not keyed.is_aggregate then keyed.iso3_code
            when keyed.dimension_published in ('by citizenship', 'by country of repatriation') then labels.iso3
        end as category_iso3
    from keyed
    left join unodc_glotip__indicators as indicators
        on keyed.indicator_published = indicators.publisher_indicator
    left join unodc_glotip__category_map as labels
        on coalesce(keyed.category, '') = labels.label
),

final as (
    select
        release,
        release_date,
        is_aggregate,
        area_code,
        iso3_code,
        country,
        region,
        subregion,
        indicator,
        indicator_published,
        definition,
        dimension,
        dimension_published,
        category,
        category_iso3,
        category_mapping,
        sex,
        age,
        year,
        unit,
        value,
        is_suppressed,
        suppressed_below,
        is_code_artefact,
        value_published,
        data_source,
        copy_number,
        copy_number > 1 as is_exact_duplicate,
        is_key_conflict,
        key_values,
        key_rows,
        is_key_first_row,
        source_file,
        source_row,
        list_filter([
            case when has_thousands_separator then 'thousands separator read: ' || value_published end,
            case when is_suppressed then 'suppressed by the publisher: ' || value_published end,
            case when is_code_artefact then 'questionnaire code, not a count, set null: ' || value_published end,
            case when copy_number > 1 then 'exact duplicate of row ' || first_copy_row end,
            case
                when is_key_conflict
                    then 'conflicting values for the same key: ' || array_to_string(key_values, ' | ')
            end,
            case when is_aggregate then 'aggregate row with no country: ' || area_code end,
            case when not is_aggregate and iso3_code is null then 'no ISO3 code published: ' || country end,
            case when category_mapping = 'nationals' then 'nationals resolved to the reporting country' end,
            case when category_mapping = 'library' then 'category mapped by the country-name library' end,
            case when category_mapping = 'override' then 'category mapped by the override file' end,
            case
                when category_mapping in ('not_a_country', 'ambiguous')
                    then 'category not a country: ' || coalesce(category, '(empty)')
            end,
            case when category_mapping = 'unmapped' then 'category label unmapped: ' || category end
        ], lambda x: x is not null) as cleaning_notes
    from mapped
)

select * from final
order by release, source_row
