-- curated.arrivals_reconciliation
-- Grain: one row per year in which UNHCR and the Ministry of the Interior both report sea arrivals to Italy:
-- UNHCR's monthly figures summed from January to the last month both cover, against the ministry's
-- year-to-date at the end of that month. Published year-end figures agree within about 1%.

with unhcr as (
    select period_start as month, arrivals
    from staging.stg_unhcr_odp__arrivals
    where is_preferred and frequency = 'month' and country_iso3 = 'ITA' and arrival_type = 'sea'
),

ministry as (
    select report_date, sum(arrivals_ytd) as arrivals_ytd
    from staging.stg_italy_moi__arrivals_by_nationality
    group by 1
    having report_date = last_day(report_date)
),

overlap as (
    select year(u.month) as year, max(u.month) as through_month
    from unhcr as u
    inner join ministry as m on last_day(u.month) = m.report_date
    group by 1
),

unhcr_to_date as (
    select
        o.year,
        o.through_month,
        count(*) as unhcr_months,
        sum(u.arrivals) as unhcr_arrivals
    from overlap as o
    inner join unhcr as u on year(u.month) = o.year and u.month <= o.through_month
    group by all
),

final as (
    select
        t.year,
        t.through_month,
        t.unhcr_months,
        t.unhcr_arrivals,
        m.arrivals_ytd as ministry_arrivals_ytd,
        t.unhcr_arrivals - m.arrivals_ytd as difference,
        round(100.0 * (t.unhcr_arrivals - m.arrivals_ytd) / nullif(m.arrivals_ytd, 0), 2) as difference_percent
    from unhcr_to_date as t
    inner join ministry as m on m.report_date = last_day(t.through_month)
)

select * from final
order by year
