-- curated.source_snapshots
-- Grain: one row per file loaded into a raw table in the last build, with its provenance and the period its
-- data cover (the first and last date its staged rows report, over all its series; null when no staging table
-- recorded it, e.g. a file the staging step left out).

with source as (
    select * from meta.snapshots_used
),

coverage as (
    select
        source,
        file,
        min(data_from) as data_covers_from,
        max(data_to) as data_covers_to,
        string_agg(series, ', ' order by series) as coverage_series
    from meta.snapshot_coverage
    group by source, file
),

final as (
    select
        source,
        raw_table,
        entity,
        file,
        original_name,
        sha256,
        bytes,
        accessed,
        published,
        published_basis,
        coverage.data_covers_from,
        coverage.data_covers_to,
        coverage.coverage_series,
        licence,
        citation,
        producer,
        title,
        download_url,
        stands_for,
        landing_page_url,
        arrival,
        sample,
        case when sample then 'SAMPLE DATA — synthetic, not for citation' else 'real' end as data_label,
        layout,
        rows,
        loaded_at
    from source
    left join coverage using (source, file)
)

select * from final
order by source, raw_table, entity, file
