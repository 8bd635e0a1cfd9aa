-- curated.central_med_attempts_yearly
-- Grain: one row per calendar year of curated.route_mortality_yearly's Central Mediterranean rows: attempted
-- crossings from North Africa = sea arrivals (Italy, Malta when complete) + people intercepted at sea and returned
-- to Libya (IOM Libya, curated.published_figures, preferred rows) + dead and missing (IOM Missing Migrants), and
-- mortality over that fuller denominator beside today's narrower one (arrivals + dead and missing). Interceptions
-- by Tunisia are not in any published figure the project holds: the fuller denominator says "Libya only".

with route as (
    select * from curated.route_mortality_yearly
    where route = 'Central Mediterranean'
),

returned as (
    select
        year,
        value::bigint as intercepted_returned_libya,
        is_partial as intercepted_is_partial,
        period_end as intercepted_covered_to,
        citation as intercepted_citation,
        figure_id as intercepted_figure_id
    from curated.published_figures
    where series = 'intercepted_returned_to_libya' and is_preferred and geo_iso3 = 'LBY'
        and year(period_start) = year(period_end)
),

joined as (
    select
        r.year,
        r.arrivals,
        r.denominator_includes as arrivals_include,
        r.arrivals_is_complete,
        r.dead_and_missing,
        r.dead_and_missing_is_complete,
        r.mortality_per_1000 as mortality_per_1000_arrivals_basis,
        t.intercepted_returned_libya,
        t.intercepted_is_partial,
        t.intercepted_covered_to,
        t.intercepted_citation,
        t.intercepted_figure_id
    from route as r
    left join returned as t using (year)
),

final as (
    select
        year,
        arrivals,
        arrivals_include,
        arrivals_is_complete,
        intercepted_returned_libya,
        coalesce(not intercepted_is_partial, false) as intercepted_is_complete,
        intercepted_covered_to,
        dead_and_missing,
        dead_and_missing_is_complete,
        case
            when arrivals_is_complete and dead_and_missing_is_complete and not intercepted_is_partial
                then arrivals + intercepted_returned_libya + dead_and_missing
        end as attempted_crossings,
        case
            when arrivals_is_complete and dead_and_missing_is_complete and not intercepted_is_partial
                then arrivals_include || ' arrivals + returned to Libya (IOM) + dead and missing (IOM); Tunisia''s '
                     || 'interceptions not included'
        end as attempted_crossings_include,
        case
            when arrivals_is_complete and dead_and_missing_is_complete and not intercepted_is_partial
                then round(1000.0 * dead_and_missing / (arrivals + intercepted_returned_libya + dead_and_missing), 2)
        end as mortality_per_1000_attempts,
        mortality_per_1000_arrivals_basis,
        case
            when intercepted_returned_libya is null then 'no published figure of interceptions and returns to Libya'
            when intercepted_is_partial then 'returns to Libya published only to ' || strftime(intercepted_covered_to, '%Y-%m-%d')
            when not arrivals_is_complete then 'sea arrivals partial or not reported for the year'
            when not dead_and_missing_is_complete then 'dead and missing: the Missing Migrants snapshots do not cover the whole year'
        end as attempts_null_reason,
        intercepted_citation,
        intercepted_figure_id
    from joined
)

select * from final
order by year
