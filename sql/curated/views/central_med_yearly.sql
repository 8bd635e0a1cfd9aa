-- curated.central_med_yearly (view)
-- One row per year: Central Mediterranean arrivals (Italy and Malta), dead and missing, and mortality per 1,000
-- attempted crossings from the year's sums; months_with_arrivals says whether the year is complete.

select year(month) as year, sum(arrivals_italy) as arrivals_italy, sum(arrivals_malta) as arrivals_malta,
    sum(dead_and_missing) as dead_and_missing, count(arrivals_italy) as months_with_arrivals,
    round(1000.0 * sum(dead_and_missing) / nullif(sum(arrivals_total) + sum(dead_and_missing), 0), 2)
        as mortality_per_1000
from curated.central_med_monthly group by 1 order by 1
