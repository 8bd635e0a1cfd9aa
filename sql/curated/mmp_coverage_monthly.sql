-- curated.mmp_coverage_monthly
-- Grain: one row per calendar month from the first month any Missing Migrants snapshot in use covers to the
-- last. Says which snapshot feeds the month and how much of it that snapshot covers.
-- Choice: among the snapshots whose coverage (1 January of their earliest incident year to their latest
-- incident date) includes the whole month, the newest vintage (publisher's date, else extract date, else a stated
-- download date, else last date covered); ties go to the later coverage end, then the sha256, so import order
-- never matters. When no
-- snapshot covers the whole month, the one covering most days of it (the month is then partial). A month no
-- snapshot covers has no source_file and 0 days covered: its figures are not reported (null), never 0.

with snapshots as (
    select * from staging.stg_iom_mmp__snapshots
    where data_from is not null and data_to is not null
),

months as (
    select unnest(generate_series(
        date_trunc('month', (select min(data_from) from snapshots)),
        date_trunc('month', (select max(data_to) from snapshots)),
        interval 1 month
    ))::date as month
),

candidates as (
    select
        m.month,
        s.source_file,
        s.original_name,
        s.sha256,
        s.vintage_date,
        s.vintage_basis,
        s.data_from,
        s.data_to,
        day(last_day(m.month)) as days_in_month,
        greatest(0, datediff('day', greatest(m.month, s.data_from), least(last_day(m.month), s.data_to)) + 1)
            as days_covered
    from months as m
    cross join snapshots as s
),

ranked as (
    select
        *,
        count(*) filter (where days_covered > 0) over (partition by month) as snapshots_covering,
        list(source_file order by source_file) filter (where days_covered > 0) over (partition by month)
            as files_covering,
        row_number() over (
            partition by month
            order by days_covered = days_in_month desc, days_covered desc, vintage_date desc, data_to desc, sha256
        ) as choice
    from candidates
),

final as (
    select
        month,
        case when days_covered > 0 then source_file end as source_file,
        case when days_covered > 0 then original_name end as original_name,
        case when days_covered > 0 then vintage_date end as vintage_date,
        case when days_covered > 0 then vintage_basis end as vintage_basis,
        case when days_covered > 0 then data_from end as snapshot_data_from,
        case when days_covered > 0 then data_to end as snapshot_data_to,
        days_covered,
        days_in_month,
        days_covered = days_in_month as is_complete,
        snapshots_covering,
        coalesce(list_filter(files_covering, lambda f: f <> source_file), []) as other_snapshots_covering,
        case
            when days_covered = 0 then 'no snapshot covers this month'
            when days_covered = days_in_month and snapshots_covering = 1 then 'only snapshot covering the month'
            when days_covered = days_in_month then 'newest vintage covering the whole month'
            else 'no snapshot covers the whole month: the one covering most days (partial month)'
        end as choice_reason
    from ranked
    where choice = 1
)

select * from final
order by month
