-- staging.stg_frontex_ibc__detections
-- Grain: one row per workbook (source_file), route, border type, nationality and month: every month cell of
-- sheet Detections_of_IBC of every Frontex workbook loaded. Reads raw.frontex_ibc__detections (one row per
-- published cell) and the tables frontex_ibc__workbooks (vintage rank), frontex_ibc__routes (route_labels.csv)
-- and frontex_ibc__nationalities (nationality_labels.csv, then the country_converter name patterns).
-- Judgement calls (counted in the asset's metadata, listed per row in `cleaning_notes`):
--   route labels map to one name across layouts ("Central Mediterranean Route" -> "Central Mediterranean");
--   nationality labels map to ISO3; Unknown, Stateless, Unspecified sub-Saharan nationals and similar stay
--   named categories (nationality_kind 'not_a_country'), Kosovo* and Palestine^ too ('designation');
--   an empty cell is null (not reported), never 0; a 0 is a reported zero;
--   is_preferred: for each month, the rows of the newest-vintage workbook that covers the month (Frontex revises
--   earlier months in later releases: a month is read from one workbook only, never added across workbooks).

with source as (
    select * from raw.frontex_ibc__detections
),

renamed as (
    select
        trim(route) as route_published,
        trim(border_type) as border_type,
        trim(nationality) as nationality_published,
        month_header,
        case
            when regexp_full_match(trim(month_header), '[A-Za-z]{3}[0-9]{4}')
                then make_date(cast(right(trim(month_header), 4) as integer), parse_month(month_header), 1)
            else cast(trim(month_header) as date)
        end as month,
        nullif(trim(detections), '') as detections_published,
        cast(nullif(trim(detections), '') as bigint) as detections,
        _source_file as source_file,
        _source_row as source_row,
        _source_column as source_column
    from source
),

mapped as (
    select
        renamed.*,
        coalesce(routes.route, renamed.route_published) as route,
        case when routes.route is null then 'unmapped' else 'route_labels.csv' end as route_mapping,
        nationalities.iso3 as nationality_iso3,
        nationalities.kind as nationality_kind,
        coalesce(nationalities.nationality, renamed.nationality_published) as nationality,
        coalesce(nationalities.iso3, nationalities.category, renamed.nationality_published) as nationality_key,
        nationalities.mapping as nationality_mapping,
        workbooks.release_date,
        workbooks.vintage_rank
    from renamed
    left join frontex_ibc__routes as routes on routes.label = renamed.route_published
    left join frontex_ibc__nationalities as nationalities on nationalities.label = renamed.nationality_published
    inner join frontex_ibc__workbooks as workbooks using (source_file)
),

preferred as (
    select month, min(vintage_rank) as preferred_rank
    from (select distinct month, vintage_rank from mapped)
    group by month
),

final as (
    select
        mapped.source_file,
        mapped.release_date,
        mapped.route,
        mapped.route_published,
        mapped.route_mapping,
        mapped.border_type,
        mapped.nationality_key,
        mapped.nationality,
        mapped.nationality_iso3,
        mapped.nationality_kind,
        mapped.nationality_published,
        mapped.nationality_mapping,
        mapped.month,
        mapped.detections,
        mapped.detections_published,
        mapped.vintage_rank = preferred.preferred_rank as is_preferred,
        mapped.vintage_rank,
        mapped.month_header,
        mapped.source_row,
        mapped.source_column,
        list_filter([
            case when mapped.route_mapping = 'unmapped' then 'unmapped route label kept: ' || mapped.route_published
                 when mapped.route <> mapped.route_published then 'route label mapped: ' || mapped.route_published
            end,
            case when mapped.nationality_mapping = 'unmapped'
                     then 'unmapped nationality label kept: ' || mapped.nationality_published
                 when mapped.nationality_kind <> 'country'
                     then 'nationality kept as a named category: ' || mapped.nationality_published
            end,
            case when mapped.detections is null then 'empty cell kept null (not reported)' end
        ], lambda x: x is not null) as cleaning_notes
    from mapped
    inner join preferred using (month)
)

select * from final
order by source_file, route, border_type, nationality_key, month
