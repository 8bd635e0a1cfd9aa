-- curated.nexus_frontex_lagged
-- Grain: one row per nationality, year of detection of trafficking victims in Italy (victims_year, a year UNODC
-- GLOTIP gives a citizenship breakdown for Italy) and lag of 0 to 3 years: the nationality's share of the victims
-- detected in Italy in victims_year beside its share of Frontex detections of illegal border-crossing on the
-- Central Mediterranean route in crossing_year = victims_year - lag. Nationalities are those either publisher
-- lists: UNODC's citizenships for the year (countries) and every nationality key Frontex lists on the route in
-- crossing_year (countries and the unknown/unspecified categories, so the Frontex shares add up to 100 %).
-- Side by side, never divided into each other: a victim detected in Italy in a year may have arrived in any year
-- and by any route, and a share of detections beside a share of victims does not say that anyone detected was
-- trafficked. Nationals of Italy are among the detected victims but never among Frontex's detections of
-- illegal border-crossing (third-country nationals at the external border): their rows are is_national with the
-- Frontex columns null and frontex_status 'nationals: not counted by Frontex'.
-- A value not published is null with its reason in the *_status column, never 0.

with lags as (
    select unnest([0, 1, 2, 3]) as lag_years
),

-- victim years: years with a UNODC citizenship breakdown for Italy (curated.nexus_by_nationality)
victim_years as (
    select distinct year as victims_year
    from curated.nexus_by_nationality
    where victims_listed_citizenships is not null
),

victims as (
    select
        n.year as victims_year,
        n.nationality_iso3 as join_key,
        n.nationality_iso3 as victims_iso3,
        detected_victims_italy,
        victims_status,
        detected_victims_suppressed,
        share_of_detected_victims_italy,
        victims_share_status,
        victims_source_file,
        victims_source_row
    from curated.nexus_by_nationality as n
    where victims_status in ('reported', 'suppressed (<5)')
),

-- UNODC's own label of each citizenship, for a nationality Frontex does not list
victim_labels as (
    select year as victims_year, category_iso3 as join_key, any_value(category_label) as victims_label
    from curated.thb_victims
    where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
        and indicator = 'detected victims' and dimension = 'citizenship' and category_iso3 is not null
    group by all
),

victim_totals as (
    select distinct
        year as victims_year,
        detected_victims_italy_total,
        victims_listed_citizenships,
        victims_share_explanation
    from curated.nexus_by_nationality
    where victims_listed_citizenships is not null
),

-- UNODC codes the two designations Frontex footnotes (Kosovo*, Palestine^) with the codes XKX and PSE: the two
-- publishers' rows of one designation are set side by side under Frontex's label
designations as (
    select * from (values ('Kosovo*', 'XKX'), ('Palestine^', 'PSE')) as d(nationality_key, unodc_code)
),

frontex as (
    select
        m.year as crossing_year,
        m.nationality_key,
        coalesce(m.nationality_iso3, d.unodc_code, m.nationality_key) as join_key,
        m.nationality,
        m.nationality_iso3 as frontex_iso3,
        m.nationality_kind,
        m.detections,
        m.share_percent
    from curated.frontex_nationality_mix_yearly as m
    left join designations as d using (nationality_key)
),

frontex_years as (
    select
        year as crossing_year,
        max(months_covered) as months_covered,
        bool_and(is_complete) as is_complete,
        max(route_detections) as route_detections,
        any_value(share_null_reason) as share_null_reason
    from curated.frontex_nationality_mix_yearly
    group by year
),

keys as (
    select v.victims_year, l.lag_years, v.join_key
    from victims as v cross join lags as l
    union
    select y.victims_year, l.lag_years, f.join_key
    from victim_years as y
    cross join lags as l
    inner join frontex as f on f.crossing_year = y.victims_year - l.lag_years
),

-- what UNODC says of a nationality it does not list in a year
joined as (
    select
        k.*,
        k.victims_year - k.lag_years as crossing_year,
        v.* exclude (victims_year, join_key),
        f.* exclude (crossing_year, join_key),
        y.* exclude (crossing_year),
        y.crossing_year is not null as frontex_covers_year,
        t.detected_victims_italy_total,
        b.victims_label,
        case
            when coalesce(f.nationality_kind, 'country') <> 'country' and v.join_key is null
                then 'not a citizenship UNODC lists'
            else 'not in published list'
        end as victims_unlisted_status
    from keys as k
    left join victims as v on v.victims_year = k.victims_year and v.join_key = k.join_key
    left join victim_totals as t on t.victims_year = k.victims_year
    left join victim_labels as b on b.victims_year = k.victims_year and b.join_key = k.join_key
    left join frontex as f on f.crossing_year = k.victims_year - k.lag_years and f.join_key = k.join_key
    left join frontex_years as y on y.crossing_year = k.victims_year - k.lag_years
),

final as (
    select
        victims_year,
        lag_years,
        crossing_year,
        join_key as nationality_key,
        coalesce(frontex_iso3, victims_iso3) as nationality_iso3,
        coalesce(nationality, victims_label, join_key) as nationality,
        coalesce(nationality_kind, 'country') as nationality_kind,
        join_key = 'ITA' as is_national,
        detected_victims_italy,
        coalesce(victims_status, victims_unlisted_status) as victims_status,
        share_of_detected_victims_italy,
        coalesce(victims_share_status, victims_unlisted_status) as victims_share_status,
        detected_victims_italy_total,
        victims_source_file,
        victims_source_row,
        case when join_key <> 'ITA' then detections end as frontex_detections,
        case when join_key <> 'ITA' then share_percent end as frontex_share_percent,
        case when join_key <> 'ITA' then route_detections end as frontex_route_detections,
        months_covered as frontex_months_covered,
        case
            when join_key = 'ITA' then 'nationals: not counted by Frontex'
            when not frontex_covers_year then 'not reported'
            when nationality_kind is null then 'not in Frontex list'
            when not is_complete then share_null_reason
            when share_percent is null then 'not reported'
            else 'reported'
        end as frontex_status
    from joined
)

select * from final
order by victims_year, lag_years, frontex_share_percent desc nulls last, detected_victims_italy desc nulls last,
    nationality_key
