-- curated.route_comparison_latest (view)
-- The latest year with a mortality figure for each route (required arrivals and dead and missing both complete
-- for the whole year): the curated.route_mortality_yearly row, denominator_includes saying what it counts.

select * from curated.route_mortality_yearly
where mortality_per_1000 is not null
qualify year = max(year) over (partition by route)
order by route
