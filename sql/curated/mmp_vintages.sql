-- curated.mmp_vintages
-- Grain: one row per Missing Migrants snapshot the build read: its layout, the period its incidents cover, its
-- vintage date and basis, and the months it feeds in curated.mmp_coverage_monthly (none: every month it covers
-- is covered by a newer or fuller snapshot).

with snapshots as (
    select * from staging.stg_iom_mmp__snapshots
),

fed as (
    select
        source_file,
        count(*) as months_fed,
        min(month) as first_month_fed,
        max(month) as last_month_fed,
        count(*) filter (where not is_complete) as partial_months_fed
    from curated.mmp_coverage_monthly
    where source_file is not null
    group by source_file
),

final as (
    select
        s.source_file,
        s.original_name,
        s.sha256,
        s.layout,
        s.dated_rows,
        s.data_from,
        s.data_to,
        s.vintage_date,
        s.vintage_basis,
        coalesce(f.months_fed, 0) as months_fed,
        f.first_month_fed,
        f.last_month_fed,
        coalesce(f.partial_months_fed, 0) as partial_months_fed
    from snapshots as s
    left join fed as f on s.source_file = f.source_file
)

select * from final
order by vintage_date, source_file
