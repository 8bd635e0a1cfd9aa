-- curated.italy_top_nationalities_yearly (view)
-- Arrivals to Italy by nationality and year, ranked within the year; the ministry's year-to-date where it
-- exists, else UNHCR's months summed; 'others' rows left out.

with yearly as (
    select source, year(period_start) as year, nationality_key, any_value(nationality) as nationality,
        sum(arrivals) as arrivals
    from curated.arrivals_by_nationality
    where destination_iso3 = 'ITA' and not coalesce(is_other, false)
    group by all
),
chosen as (
    select * from yearly
    qualify source = (case when bool_or(source = 'italy_moi') over (partition by year)
                      then 'italy_moi' else 'unhcr_odp' end)
)
select year, rank() over (partition by year order by arrivals desc) as rank, nationality_key, nationality,
    arrivals, source
from chosen order by year, rank
