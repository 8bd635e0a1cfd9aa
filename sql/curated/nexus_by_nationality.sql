-- curated.nexus_by_nationality
-- Grain: one row per nationality (ISO3) and year that a publisher lists: among the nationalities of arrivals to
-- Italy (ministry year-to-date or UNHCR monthly, one publisher per year) or among the citizenships of victims of
-- trafficking detected in Italy (UNODC GLOTIP). Side by side, never added together:
--   * share of sea arrivals to Italy = the nationality's arrivals / the same publisher's total of all arrivals to
--     Italy that year (ministry: its year-to-date total of every nationality, listed and "altre"; UNHCR: its own
--     monthly sea-arrival series summed over the twelve months, because its nationality list leaves people out);
--     published only for a year the publisher covers completely (arrivals_year_complete), else null;
--   * detected victims of that citizenship / UNODC's national total of victims detected in Italy that year;
--   * EU registered victims (Eurostat, EU27) of the citizenship group the nationality falls in.
-- A value the publisher does not give is null with its reason in the *_status column, never 0: a nationality
-- outside the published list ('not in published list'), a suppressed count ('suppressed (<5)'), a year the
-- publisher does not cover ('not reported'), a partial year ('partial year').
-- Where the citizenship counts of a country-year add up to more than its national total, the shares of that
-- year are withheld when pipelines/defs/curated/nexus_explanations.csv records why (treatment 'withhold shares');
-- the blocking check victim_shares_within_total fails on any such year without a recorded explanation.
-- Caveats: arrivals count people reaching Italy by sea; detected victims count persons identified in Italy in
-- the year whatever their route or arrival year; Eurostat registers victims under a different definition and
-- only by broad citizenship group. Shares do not say that any arrival was trafficked.

with nationality_rows as (
    select
        source,
        nationality_iso3,
        year(period_start) as year,
        period_start,
        period_end,
        arrivals,
        basis,
        source_file
    from curated.arrivals_by_nationality
    where destination_iso3 = 'ITA'
),

-- UNHCR origin responses taken before a month ended cover that month only in part
unhcr_origin_accessed as (
    select year, max(snapshot_accessed) as snapshot_accessed
    from staging.stg_unhcr_odp__arrivals_by_nationality
    where is_preferred and destination_iso3 = 'ITA'
    group by year
),

-- UNHCR's own monthly series of sea arrivals to Italy: the denominator of its nationality shares
unhcr_totals as (
    select
        year,
        sum(arrivals) as arrivals,
        count(distinct period_start) as months,
        count(*) filter (
            where snapshot_accessed is null or snapshot_accessed > last_day(period_start)
        ) as months_complete,
        string_agg(distinct source_file, ', ' order by source_file) as source_file
    from staging.stg_unhcr_odp__arrivals
    where country_iso3 = 'ITA' and arrival_type = 'sea' and frequency = 'month' and is_preferred
        and arrivals is not null
    group by year
),

-- What each publisher lists for Italy in a year
source_years as (
    select
        r.source,
        r.year,
        min(r.period_start) as period_start,
        max(r.period_end) as period_end,
        count(distinct r.period_start) as periods,
        count(distinct r.nationality_iso3) as listed_nationalities,
        sum(r.arrivals) filter (where r.nationality_iso3 is not null) as listed_total,
        sum(r.arrivals) as all_rows_total,
        any_value(r.basis) filter (where r.source = 'italy_moi') as ministry_basis,
        any_value(o.snapshot_accessed) as origin_accessed
    from nationality_rows as r
    left join unhcr_origin_accessed as o on r.source = 'unhcr_odp' and o.year = r.year
    group by r.source, r.year
),

source_denominators as (
    select
        s.source,
        s.year,
        s.period_start,
        s.period_end,
        s.listed_nationalities,
        s.listed_total,
        case s.source when 'italy_moi' then s.all_rows_total else t.arrivals end as denominator,
        case s.source when 'italy_moi' then 'italy_moi' else case when t.arrivals is not null then 'unhcr_odp' end
        end as denominator_source,
        case s.source
            when 'italy_moi' then
                'Ministry of the Interior: total of all nationalities at its report of '
                || strftime(s.period_end, '%Y-%m-%d') || ' (year-to-date from 1 January; the '
                || s.listed_nationalities || ' listed and "altre")'
            else
                case when t.arrivals is not null then
                    'UNHCR: its monthly series of sea arrivals to Italy, ' || t.months
                    || ' month(s) of the year summed (sea arrivals of every nationality; the '
                    || s.listed_nationalities || ' nationalities UNHCR lists sum to ' || s.listed_total || ')'
                end
        end as denominator_basis,
        case s.source
            when 'italy_moi' then s.period_start = make_date(s.year, 1, 1) and s.period_end = make_date(s.year, 12, 31)
            else s.periods = 12
                and (s.origin_accessed is null or s.origin_accessed > make_date(s.year, 12, 31))
                and coalesce(t.months_complete, 0) = 12
        end as year_complete,
        case s.source when 'italy_moi' then s.ministry_basis else t.source_file end as denominator_file
    from source_years as s
    left join unhcr_totals as t on s.source = 'unhcr_odp' and t.year = s.year
),

-- One publisher per year: a complete year first, then the ministry (UNHCR's Italy figures come from it)
preferred_source as (
    select *
    from source_denominators
    qualify row_number() over (
        partition by year order by year_complete desc, (source = 'italy_moi') desc
    ) = 1
),

arrivals as (
    select
        r.nationality_iso3,
        r.year,
        r.source,
        sum(r.arrivals) as arrivals,
        count(distinct r.period_start) as periods_listed,
        min(r.period_start) as period_start,
        max(r.period_end) as period_end,
        any_value(r.basis) as basis,
        string_agg(distinct r.source_file, ', ' order by r.source_file) as source_file
    from nationality_rows as r
    inner join preferred_source as p on r.year = p.year and r.source = p.source
    where r.nationality_iso3 is not null
    group by r.nationality_iso3, r.year, r.source
),

glotip_italy as (
    select *
    from curated.thb_victims
    where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
        and indicator = 'detected victims' and sex = 'Total' and age = 'Total'
),

victims as (
    select
        category_iso3 as nationality_iso3,
        year,
        case when bool_or(is_suppressed) then null else sum(value) end as detected_victims,
        bool_or(is_suppressed) as suppressed,
        string_agg(distinct source_file, ', ') as source_file,
        min(source_row) as source_row
    from glotip_italy
    where dimension = 'citizenship' and category_iso3 is not null
    group by category_iso3, year
),

-- Every citizenship row of a year, countries or not ('Unknown', 'Former Yugoslavia'): the publisher's breakdown
victims_breakdown as (
    select
        year,
        count(*) as listed_citizenships,
        coalesce(sum(value), 0) as listed_total,
        count(*) filter (where is_suppressed) as suppressed_citizenships
    from glotip_italy
    where dimension = 'citizenship'
    group by year
),

victims_total as (
    select year, max(value) as detected_victims_total, bool_or(is_suppressed) as total_suppressed
    from glotip_italy
    where dimension = 'total'
    group by year
),

victim_years as (
    select
        coalesce(b.year, t.year) as year,
        b.listed_citizenships,
        b.listed_total,
        b.suppressed_citizenships,
        t.detected_victims_total,
        t.total_suppressed,
        round(b.listed_total / nullif(t.detected_victims_total, 0), 4) as listed_share_sum,
        e.treatment,
        case when e.explanation is not null
            then e.explanation || ' (recorded by ' || e.recorded_by || ', ' || e.recorded_on || ')'
        end as explanation
    from victims_breakdown as b
    full outer join victims_total as t on b.year = t.year
    left join nexus__explanations as e on e.country_iso3 = 'ITA' and e.year = coalesce(b.year, t.year)
),

eu_groups as (
    select
        year,
        category as eurostat_group,
        any_value(category_label) as eurostat_group_label,
        case when bool_or(is_suppressed) then null else sum(value) end as eu_registered_victims,
        bool_or(is_suppressed) as suppressed
    from curated.thb_victims
    where source = 'eurostat_thb' and geo_code = 'EU27_2020' and indicator = 'registered victims'
        and dimension = 'citizenship' and sex = 'Total' and age = 'Total'
    group by year, category
),

eu_members as (
    select unnest(['AUT', 'BEL', 'BGR', 'HRV', 'CYP', 'CZE', 'DNK', 'EST', 'FIN', 'FRA', 'DEU', 'GRC', 'HUN', 'IRL',
        'ITA', 'LVA', 'LTU', 'LUX', 'MLT', 'NLD', 'POL', 'PRT', 'ROU', 'SVK', 'SVN', 'ESP', 'SWE']) as iso3
),

keys as (
    select nationality_iso3, year from arrivals
    union
    select nationality_iso3, year from victims
),

joined as (
    select
        k.nationality_iso3,
        k.year,
        a.arrivals,
        a.periods_listed,
        a.period_start as nationality_period_start,
        a.period_end as nationality_period_end,
        a.basis as nationality_basis,
        a.source_file as arrivals_source_file,
        p.source as year_source,
        p.period_start,
        p.period_end,
        p.year_complete,
        p.denominator,
        p.denominator_source,
        p.denominator_basis,
        p.listed_nationalities,
        p.listed_total,
        v.detected_victims,
        v.suppressed,
        v.source_file as victims_source_file,
        v.source_row as victims_source_row,
        y.year is not null and y.listed_citizenships is not null as victims_breakdown_published,
        y.listed_citizenships,
        y.listed_total as victims_listed_total,
        y.suppressed_citizenships,
        y.detected_victims_total,
        y.total_suppressed,
        y.listed_share_sum,
        y.treatment,
        y.explanation,
        case
            when k.nationality_iso3 = 'ITA' then 'NAT'
            when k.nationality_iso3 in (select iso3 from eu_members) then 'EU27_2020_FOR'
            else 'NEU27_2020_FOR'
        end as eurostat_group
    from keys as k
    left join arrivals as a on k.nationality_iso3 = a.nationality_iso3 and k.year = a.year
    left join preferred_source as p on k.year = p.year
    left join victims as v on k.nationality_iso3 = v.nationality_iso3 and k.year = v.year
    left join victim_years as y on k.year = y.year
),

statuses as (
    select
        *,
        -- a nationality's UNHCR figure is whole only when it is listed in all twelve months
        case
            when year_source is null then 'not reported'
            when arrivals is null then 'not in published list'
            when not year_complete or (year_source = 'unhcr_odp' and periods_listed < 12) or denominator is null
                then 'partial year'
            else 'reported'
        end as arrival_share_status,
        case
            when suppressed then 'suppressed (<5)'
            when detected_victims is not null then 'reported'
            when victims_breakdown_published then 'not in published list'
            else 'not reported'
        end as victims_status
    from joined
),

final as (
    select
        j.nationality_iso3,
        j.year,
        j.arrivals as arrivals_italy,
        case when j.arrival_share_status = 'reported' then round(j.arrivals / j.denominator, 4) end
            as share_of_arrivals_italy,
        j.arrival_share_status,
        j.year_source as arrivals_source,
        j.nationality_basis as arrivals_basis,
        j.nationality_period_start as arrivals_period_start,
        j.nationality_period_end as arrivals_period_end,
        case when j.year_source = 'unhcr_odp' then j.periods_listed end as arrivals_months_listed,
        j.year_complete as arrivals_year_complete,
        j.denominator as arrivals_denominator,
        j.denominator_source as arrivals_denominator_source,
        j.denominator_basis as arrivals_denominator_basis,
        j.period_start as arrivals_denominator_period_start,
        j.period_end as arrivals_denominator_period_end,
        j.listed_nationalities as arrivals_listed_nationalities,
        j.listed_total as arrivals_listed_total,
        j.denominator - j.listed_total as arrivals_not_in_list,
        j.arrivals_source_file,
        j.detected_victims as detected_victims_italy,
        j.victims_status,
        coalesce(j.suppressed, false) as detected_victims_suppressed,
        case
            when j.victims_status = 'reported' and j.detected_victims_total > 0
                and coalesce(j.treatment, '') <> 'withhold shares'
                then round(j.detected_victims / j.detected_victims_total, 4)
        end as share_of_detected_victims_italy,
        case
            when j.victims_status <> 'reported' then j.victims_status
            when j.detected_victims_total is null then 'no national total'
            when j.treatment = 'withhold shares' then 'withheld: citizenships exceed the national total'
            else 'reported'
        end as victims_share_status,
        j.detected_victims_total as detected_victims_italy_total,
        j.listed_citizenships as victims_listed_citizenships,
        j.victims_listed_total,
        j.suppressed_citizenships as victims_suppressed_citizenships,
        j.listed_share_sum as victims_listed_share_sum,
        j.explanation as victims_share_explanation,
        j.victims_source_file,
        j.victims_source_row,
        j.eurostat_group,
        g.eurostat_group_label,
        g.eu_registered_victims as eu_registered_victims_in_group,
        case
            when g.suppressed then 'suppressed'
            when g.eu_registered_victims is not null then 'reported'
            else 'not reported'
        end as eu_victims_status
    from statuses as j
    left join eu_groups as g on g.year = j.year and g.eurostat_group = j.eurostat_group
)

select * from final
order by year, nationality_iso3
