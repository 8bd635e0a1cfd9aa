-- curated.nexus_by_nationality
-- Grain: one row per nationality (ISO3) and year with arrivals to Italy or detected trafficking victims in Italy.
-- The smuggling-trafficking nexus the policy debate asks about, side by side and never added together:
--   * share of sea arrivals to Italy (ministry year-to-date where available, else UNHCR months summed);
--   * detected victims of trafficking in Italy of that citizenship (UNODC GLOTIP) and their share of all
--     victims detected in Italy that year;
--   * EU registered victims of the Eurostat citizenship group the nationality falls in (EU27 aggregate).
-- Caveats: arrivals count people reaching Italy by sea; detected victims count persons identified in Italy in
-- the year whatever their route or arrival year; Eurostat registers victims under a different definition and
-- only by broad citizenship group. Shares do not say that any arrival was trafficked.

with arrivals_by_source as (
    select source, nationality_iso3, is_other, year(period_start) as year, sum(arrivals) as arrivals
    from curated.arrivals_by_nationality
    where destination_iso3 = 'ITA'
    group by all
),

preferred_source as (
    select year, case when bool_or(source = 'italy_moi') then 'italy_moi' else 'unhcr_odp' end as source
    from arrivals_by_source
    group by year
),

arrivals as (
    select a.nationality_iso3, a.year, a.arrivals, a.source,
        sum(a.arrivals) over (partition by a.year) as arrivals_all_nationalities
    from (
        select a.source, a.nationality_iso3, a.year, sum(a.arrivals) as arrivals
        from arrivals_by_source as a
        inner join preferred_source as p on a.year = p.year and a.source = p.source
        group by all
    ) as a
),

victims as (
    select category_iso3 as nationality_iso3, year, sum(value) as detected_victims, bool_or(is_suppressed) as suppressed
    from curated.thb_victims
    where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
        and indicator = 'detected victims' and dimension = 'citizenship' and sex = 'Total' and age = 'Total'
        and category_iso3 is not null
    group by all
),

victims_total as (
    select year, value as detected_victims_total
    from curated.thb_victims
    where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
        and indicator = 'detected victims' and dimension = 'total' and sex = 'Total' and age = 'Total'
),

eu_groups as (
    select year, category as eurostat_group, category_label as eurostat_group_label, value as eu_registered_victims
    from curated.thb_victims
    where source = 'eurostat_thb' and geo_code = 'EU27_2020' and indicator = 'registered victims'
        and dimension = 'citizenship'
),

eu_members as (
    select unnest(['AUT', 'BEL', 'BGR', 'HRV', 'CYP', 'CZE', 'DNK', 'EST', 'FIN', 'FRA', 'DEU', 'GRC', 'HUN', 'IRL',
        'ITA', 'LVA', 'LTU', 'LUX', 'MLT', 'NLD', 'POL', 'PRT', 'ROU', 'SVK', 'SVN', 'ESP', 'SWE']) as iso3
),

joined as (
    select
        coalesce(a.nationality_iso3, v.nationality_iso3) as nationality_iso3,
        coalesce(a.year, v.year) as year,
        a.arrivals as arrivals_italy,
        a.arrivals_all_nationalities as arrivals_italy_all_nationalities,
        a.source as arrivals_source,
        v.detected_victims as detected_victims_italy,
        v.suppressed as detected_victims_suppressed,
        t.detected_victims_total as detected_victims_italy_total
    from (select * from arrivals where nationality_iso3 is not null) as a
    full outer join victims as v on a.nationality_iso3 = v.nationality_iso3 and a.year = v.year
    left join victims_total as t on t.year = coalesce(a.year, v.year)
),

final as (
    select
        j.nationality_iso3,
        j.year,
        j.arrivals_italy,
        round(j.arrivals_italy / nullif(j.arrivals_italy_all_nationalities, 0), 4) as share_of_arrivals_italy,
        j.arrivals_source,
        j.detected_victims_italy,
        j.detected_victims_suppressed,
        round(j.detected_victims_italy / nullif(j.detected_victims_italy_total, 0), 4) as share_of_detected_victims_italy,
        case
            when j.nationality_iso3 = 'ITA' then 'NAT'
            when j.nationality_iso3 in (select iso3 from eu_members) then 'EU27_2020_FOR'
            else 'NEU27_2020_FOR'
        end as eurostat_group,
        g.eurostat_group_label,
        g.eu_registered_victims as eu_registered_victims_in_group
    from joined as j
    left join eu_groups as g
        on g.year = j.year
        and g.eurostat_group = case
            when j.nationality_iso3 = 'ITA' then 'NAT'
            when j.nationality_iso3 in (select iso3 from eu_members) then 'EU27_2020_FOR'
            else 'NEU27_2020_FOR'
        end
)

select * from final
order by year, nationality_iso3
