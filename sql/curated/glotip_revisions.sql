-- curated.glotip_revisions
-- Grain: one row per GLOTIP key (area, indicator, dimension, category, sex, age, year, unit) whose value differs
-- between the release before the one in use and the release in use, or that only one of the two has.
-- Values are compared as published, thousands separators ignored ("2,146" = "2146"); a suppressed value is
-- compared as its marker ("<5"); a conflicting key as the list of its values. Exact duplicates are ignored.
-- Empty when the raw store holds a single release.

with records as (
    select
        *,
        case
            when len(key_values) = 0 then value_published
            else array_to_string(list_sort(list_transform(key_values, lambda x: replace(x, ',', ''))), ' | ')
        end as comparable
    from staging.stg_unodc_glotip__records
    where is_key_first_row
),

current_release as (
    select * from records where release = 'current'
),

previous_release as (
    select * from records where release = 'previous'
),

releases as (
    select
        (select max(release_date) from previous_release) as previous_release,
        (select max(release_date) from current_release) as current_release,
        (select max(year) from previous_release) as previous_last_year,
        (select count(*) from previous_release) > 0 as has_previous
),

compared as (
    select
        coalesce(c.area_code, p.area_code) as area_code,
        coalesce(c.country, p.country) as country,
        coalesce(c.is_aggregate, p.is_aggregate) as is_aggregate,
        coalesce(c.indicator, p.indicator) as indicator,
        coalesce(c.dimension, p.dimension) as dimension,
        coalesce(c.category, p.category) as category,
        coalesce(c.sex, p.sex) as sex,
        coalesce(c.age, p.age) as age,
        coalesce(c.year, p.year) as year,
        coalesce(c.unit, p.unit) as unit,
        case
            when p.source_row is null then 'added'
            when c.source_row is null then 'removed'
            when c.comparable is distinct from p.comparable then 'changed'
        end as change,
        p.comparable as previous_value_published,
        c.comparable as current_value_published,
        case when not p.is_key_conflict then p.value end as previous_value,
        case when not c.is_key_conflict then c.value end as current_value,
        p.source_file as previous_file,
        p.source_row as previous_source_row,
        c.source_file as current_file,
        c.source_row as current_source_row
    from current_release as c
    full outer join previous_release as p
        on c.area_code = p.area_code
        and c.indicator_published = p.indicator_published
        and c.dimension_published = p.dimension_published
        and c.category is not distinct from p.category
        and c.sex = p.sex
        and c.age = p.age
        and c.year = p.year
        and c.unit = p.unit
),

final as (
    select
        area_code,
        country,
        is_aggregate,
        indicator,
        dimension,
        category,
        sex,
        age,
        year,
        unit,
        change,
        year > releases.previous_last_year as is_new_year,
        previous_value_published,
        current_value_published,
        previous_value,
        current_value,
        current_value - previous_value as difference,
        releases.previous_release,
        releases.current_release,
        previous_file,
        previous_source_row,
        current_file,
        current_source_row
    from compared
    cross join releases
    where change is not null and releases.has_previous
)

select * from final
order by area_code, indicator, dimension, category nulls first, sex, age, year
