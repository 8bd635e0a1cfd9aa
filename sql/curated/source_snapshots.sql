-- curated.source_snapshots
-- Grain: one row per file loaded into a raw table in the last build, with its provenance.

with source as (
    select * from meta.snapshots_used
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
)

select * from final
order by source, raw_table, entity, file
