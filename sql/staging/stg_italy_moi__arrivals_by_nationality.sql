-- staging.stg_italy_moi__arrivals_by_nationality
-- Grain: one row per report date × nationality of the ministry's nazionalita.csv: arrivals since 1 January
-- of the report's year (year to date), for the nationalities the report lists and one "altre" (others) row.
-- Reads raw.italy_moi__nazionalita and `italy_moi__iso_codes` (ISO 3166-1 alpha-2 → alpha-3, from pycountry).
-- Judgement calls (listed per row in `cleaning_notes`, counted in the asset's metadata):
--   the "altre" row has no country code: nationality_iso3 is null and is_other true;
--   a code ISO 3166-1 does not know keeps nationality_iso3 null (the known-codes check warns with the list).

with source as (
    select * from raw.italy_moi__nazionalita
),

renamed as (
    select
        _source_file as source_file,
        _source_row as source_row,
        strptime(trim("Data_Report"), '%Y-%m-%d')::date as report_date,
        trim("Nazione") as nationality_published,
        nullif(trim("ISO_3166-1"), '') as iso2,
        lower(trim("Nazione")) = 'altre' as is_other,
        parse_count("Valore") as arrivals_ytd
    from source
),

final as (
    select
        renamed.report_date,
        renamed.nationality_published,
        renamed.iso2,
        codes.iso3 as nationality_iso3,
        renamed.is_other,
        renamed.arrivals_ytd,
        list_filter([
            case when renamed.is_other then 'others row: no country code' end,
            case when renamed.iso2 is not null and codes.iso3 is null then 'unknown country code: ' || renamed.iso2 end
        ], lambda x: x is not null) as cleaning_notes,
        renamed.source_file,
        renamed.source_row
    from renamed
    left join italy_moi__iso_codes as codes on renamed.iso2 = codes.iso2
)

select * from final
order by source_row
