-- curated.italy_top_nationalities_yearly (view)
-- Arrivals to Italy by nationality and year, ranked within the year; the ministry's year-to-date where it
-- exists, else UNHCR's months summed; 'others' rows left out. Each row states the period its figures cover:
-- a year the chosen source covers only in part (a year-to-date before 31 December, UNHCR months missing) is
-- ranked on that part and has is_complete_year false.

with yearly as (
    select
        source,
        year(period_start) as year,
        nationality_key,
        any_value(nationality) as nationality,
        sum(arrivals) as arrivals,
        min(period_start) as period_start,
        max(period_end) as period_end,
        count(distinct period_start) as periods
    from curated.arrivals_by_nationality
    where destination_iso3 = 'ITA' and not coalesce(is_other, false)
    group by all
),

chosen as (
    select * from yearly
    qualify source = (case when bool_or(source = 'italy_moi') over (partition by year)
                      then 'italy_moi' else 'unhcr_odp' end)
),

covered as (
    select
        *,
        min(period_start) over (partition by year) as covered_from,
        max(period_end) over (partition by year) as covered_to,
        max(periods) over (partition by year) as year_periods
    from chosen
)

select
    year,
    rank() over (partition by year order by arrivals desc) as rank,
    nationality_key,
    nationality,
    arrivals,
    source,
    covered_from,
    covered_to,
    covered_from = make_date(year, 1, 1) and covered_to = make_date(year, 12, 31)
        and (source = 'italy_moi' or year_periods = 12) as is_complete_year
from covered
order by year, rank
