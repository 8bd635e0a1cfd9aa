-- staging.stg_italy_moi__daily_landings
-- Grain: one row per record of the ministry's sbarchi-per-giorno.csv, i.e. one row per landing day per
-- report (a day listed by several reports has several rows; `is_latest_report` marks the one to use).
-- Reads raw.italy_moi__sbarchi_per_giorno (headers checked against pipelines/defs/italy_moi/columns.csv;
-- cells the model cannot parse were refused before this runs).
-- Judgement calls (each counted in the asset's metadata and listed per row in `cleaning_notes`):
--   a day repeated by a later report is kept and flagged superseded; a day after the report date (listed
--   as 0 ahead of time) gets null arrivals; an impossible date (2024-04-31) gets a null landing_date;
--   an empty value and a known extraction artefact (value_artefacts.csv) get null arrivals.

with source as (
    select * from raw.italy_moi__sbarchi_per_giorno
),

renamed as (
    select
        _source_file as source_file,
        _source_row as source_row,
        trim("Data") as landing_date_published,
        try_strptime(trim("Data"), '%Y-%m-%d')::date as landing_date,
        strptime(trim("Data_Report"), '%Y-%m-%d')::date as report_date,
        "Valore" as value_published,
        parse_count("Valore") as value_count,
        nullif(trim("Note"), '') as note,
        nullif(trim("Fonte"), '') as source_statement
    from source
),

flagged as (
    select
        *,
        -- an impossible date is compared as published text: ISO dates sort as text
        coalesce(landing_date > report_date, landing_date_published > strftime(report_date, '%Y-%m-%d'))
            as after_report_date,
        max(report_date) over (partition by landing_date) as latest_report_date
    from renamed
),

final as (
    select
        landing_date,
        landing_date_published,
        report_date,
        case when not after_report_date then value_count end as arrivals,
        value_published,
        landing_date is not null and report_date = latest_report_date as is_latest_report,
        after_report_date,
        note,
        source_statement,
        list_filter([
            case
                when landing_date is not null and report_date < latest_report_date
                    then 'repeated day superseded: later report ' || strftime(latest_report_date, '%Y-%m-%d')
            end,
            case when after_report_date then 'future day set null: ' || coalesce(nullif(value_published, ''), '(empty)') end,
            case when landing_date is null then 'impossible date set null: ' || landing_date_published end,
            case when trim(value_published) = '' then 'empty value set null' end,
            case
                when trim(value_published) <> '' and value_count is null
                    then 'extraction artefact set null: ' || value_published
            end
        ], lambda x: x is not null) as cleaning_notes,
        source_file,
        source_row
    from flagged
)

select * from final
order by source_row
