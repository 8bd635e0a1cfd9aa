-- curated.frontex_ibc_revisions
-- Grain: one row per pair of Frontex workbooks next to each other in vintage (earlier, later), route, border type,
-- nationality and month that both workbooks cover, where the later workbook changed, added or removed the
-- figure. Months only one of the two covers are not revisions and are left out (the later workbook's new
-- months are in curated.frontex_detections_monthly). Keys are compared after mapping (route_labels.csv,
-- nationality to ISO3 or named category), so a renamed label is not a revision.

with cells as (
    select * from staging.stg_frontex_ibc__detections
),

workbooks as (
    select distinct source_file, release_date, vintage_rank from cells
),

pairs as (
    select earlier.source_file as earlier_file, later.source_file as later_file,
        earlier.release_date as earlier_release, later.release_date as later_release
    from workbooks as earlier
    inner join workbooks as later on later.vintage_rank = earlier.vintage_rank - 1
),

months_in_both as (
    select p.earlier_file, p.later_file, e.month
    from pairs as p
    inner join (select distinct source_file, month from cells) as e on e.source_file = p.earlier_file
    inner join (select distinct source_file, month from cells) as l on l.source_file = p.later_file and l.month = e.month
),

earlier as (
    select m.earlier_file, m.later_file, c.*
    from months_in_both as m
    inner join cells as c on c.source_file = m.earlier_file and c.month = m.month
),

later as (
    select m.earlier_file, m.later_file, c.*
    from months_in_both as m
    inner join cells as c on c.source_file = m.later_file and c.month = m.month
),

compared as (
    select
        coalesce(e.earlier_file, l.earlier_file) as earlier_file,
        coalesce(e.later_file, l.later_file) as later_file,
        coalesce(e.route, l.route) as route,
        coalesce(e.border_type, l.border_type) as border_type,
        coalesce(e.nationality_key, l.nationality_key) as nationality_key,
        coalesce(l.nationality, e.nationality) as nationality,
        coalesce(e.month, l.month) as month,
        e.nationality_published as earlier_nationality_published,
        l.nationality_published as later_nationality_published,
        e.detections as earlier_detections,
        l.detections as later_detections,
        e.source_row as earlier_source_row,
        e.source_column as earlier_source_column,
        l.source_row as later_source_row,
        l.source_column as later_source_column,
        case
            when e.source_file is null then 'added'
            when l.source_file is null then 'removed'
            when e.detections is distinct from l.detections then 'changed'
        end as change
    from earlier as e
    full outer join later as l
        on e.earlier_file = l.earlier_file and e.later_file = l.later_file and e.route = l.route
        and e.border_type = l.border_type and e.nationality_key = l.nationality_key and e.month = l.month
),

final as (
    select
        c.earlier_file,
        p.earlier_release,
        c.later_file,
        p.later_release,
        c.route,
        c.border_type,
        c.nationality_key,
        c.nationality,
        c.month,
        c.change,
        c.earlier_detections,
        c.later_detections,
        c.later_detections - c.earlier_detections as difference,
        c.earlier_nationality_published,
        c.later_nationality_published,
        c.earlier_source_row,
        c.earlier_source_column,
        c.later_source_row,
        c.later_source_column
    from compared as c
    inner join pairs as p on p.earlier_file = c.earlier_file and p.later_file = c.later_file
    where c.change is not null
)

select * from final
order by earlier_file, route, border_type, nationality_key, month
