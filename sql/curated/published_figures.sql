-- curated.published_figures
-- Grain: one row per figure of figures.csv (staging.stg_published_figures__figures): series that publishers release
-- only in documents, each with its citation; figures that documents give differently are all kept, is_preferred
-- marks the one the project uses.

with figures as (
    select * from staging.stg_published_figures__figures
),

final as (
    select
        figure_id,
        series,
        geo_iso3,
        breakdown,
        period_start,
        period_end,
        year(period_start) as year,
        value,
        unit,
        is_partial,
        is_preferred,
        choice_note,
        publisher,
        quoted_in,
        document_title,
        url,
        published,
        published_precision,
        read_on,
        citation,
        note,
        source_file,
        source_row
    from figures
)

select * from final
order by series, geo_iso3, period_start, figure_id
