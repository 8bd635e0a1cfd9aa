-- staging.stg_published_figures__figures
-- Grain: one row per figure of the newest snapshot of figures.csv (raw.published_figures__figures), typed, with the
-- citation every chart and table that uses the figure must show. Judgement calls (per row in `cleaning_notes`):
--   a publication date known to the month only (YYYY-MM) is the month's first day, published_precision 'month';
--   figures that two documents give differently are all kept: `is_preferred` marks the one used, choice_note why.

with source as (
    select * from raw.published_figures__figures
),

typed as (
    select
        trim(figure_id) as figure_id,
        trim(series) as series,
        nullif(trim(geo), '') as geo_iso3,
        nullif(trim(breakdown), '') as breakdown,
        cast(trim(period_start) as date) as period_start,
        cast(trim(period_end) as date) as period_end,
        cast(trim(value) as double) as value,
        trim(unit) as unit,
        trim(is_partial) = 'true' as is_partial,
        trim(publisher) as publisher,
        nullif(trim(quoted_in), '') as quoted_in,
        trim(document_title) as document_title,
        trim(url) as url,
        case when length(trim(published)) = 7 then cast(trim(published) || '-01' as date)
             else cast(trim(published) as date) end as published,
        case when length(trim(published)) = 7 then 'month' else 'day' end as published_precision,
        cast(trim(read_on) as date) as read_on,
        trim(preferred) = 'true' as is_preferred,
        nullif(trim(choice_note), '') as choice_note,
        nullif(trim(note), '') as note,
        _source_file as source_file,
        _source_row as source_row
    from source
),

final as (
    select
        *,
        publisher
        || case when quoted_in is not null then ', as quoted by ' || quoted_in else '' end
        || ': "' || document_title || '", ' || url
        || ' (published ' || case when published_precision = 'month' then strftime(published, '%Y-%m')
                                  else strftime(published, '%Y-%m-%d') end
        || '; read ' || strftime(read_on, '%Y-%m-%d') || ')' as citation,
        list_filter([
            case when published_precision = 'month' then 'publication date known to the month only: ' || figure_id end,
            case when not is_preferred then 'kept, not preferred: ' || figure_id end
        ], lambda x: x is not null) as cleaning_notes
    from typed
)

select * from final
order by series, geo_iso3, period_start, figure_id
