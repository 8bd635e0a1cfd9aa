-- staging.stg_italy_moi__reports
-- Grain: one row per record of the ministry's anagrafica-report.csv: a report date and the address of the
-- ministry's PDF ("cruscotto statistico giornaliero") the community conversion read it from.
-- Reads raw.italy_moi__anagrafica_report; no judgement calls (cells were checked before this runs).

with source as (
    select * from raw.italy_moi__anagrafica_report
),

final as (
    select
        strptime(trim("Data_Report"), '%Y-%m-%d')::date as report_date,
        trim("URL") as url,
        _source_file as source_file,
        _source_row as source_row
    from source
)

select * from final
order by source_row
