-- curated.route_comparison_latest (view)
-- The latest year with complete arrivals for each route: arrivals, dead and missing, mortality per 1,000.

select * from curated.route_mortality_yearly
where mortality_per_1000 is not null
qualify year = max(year) over (partition by route)
order by route
