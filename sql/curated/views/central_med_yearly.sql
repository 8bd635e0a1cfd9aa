-- curated.central_med_yearly (view)
-- One row per year: the Central Mediterranean rows of curated.route_mortality_yearly (arrivals, denominator,
-- dead and missing, coverage, mortality and its null reason: the same numbers, so the two cannot disagree),
-- with Italy's and Malta's annual figures from curated.sea_arrivals_yearly beside them.

select
    r.year,
    i.arrivals as arrivals_italy,
    i.source as arrivals_italy_source,
    i.basis as arrivals_italy_basis,
    coalesce(i.is_complete, false) as arrivals_italy_is_complete,
    coalesce(i.is_spliced, false) as arrivals_italy_months_spliced,
    coalesce(i.months_complete, 0) as arrivals_italy_months_complete,
    case when t.is_complete then t.arrivals end as arrivals_malta,
    coalesce(t.months_reported, 0) as arrivals_malta_months_reported,
    coalesce(t.is_complete, false) as arrivals_malta_is_complete,
    r.arrivals as arrivals_total,
    r.denominator_includes,
    r.denominator_note,
    r.dead_and_missing,
    r.incidents,
    r.dead_and_missing_days_covered,
    r.days_in_year,
    r.dead_and_missing_months_complete,
    r.dead_and_missing_is_complete,
    r.dead_and_missing_covered_to,
    r.is_complete,
    r.mortality_per_1000,
    r.mortality_null_reason
from curated.route_mortality_yearly as r
left join curated.sea_arrivals_yearly as i on i.country_iso3 = 'ITA' and i.arrival_type = 'sea' and i.year = r.year
left join curated.sea_arrivals_yearly as t on t.country_iso3 = 'MLT' and t.arrival_type = 'sea' and t.year = r.year
where r.route = 'Central Mediterranean'
order by r.year
