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

final as (
    select
        o.year,
        o.through_month,
        (select count(*) from unhcr as u where year(u.month) = o.year and u.month <= o.through_month) as unhcr_months,
        (select sum(u.arrivals) from unhcr as u where year(u.month) = o.year and u.month <= o.through_month)
            as unhcr_arrivals,
        m.arrivals_ytd as ministry_arrivals_ytd,
        unhcr_arrivals - m.arrivals_ytd as difference,
        round(100.0 * (unhcr_arrivals - m.arrivals_ytd) / nullif(m.arrivals_ytd, 0), 2) as difference_percent
    from overlap as o
    inner join ministry as m on m.report_date = last_day(o.through_month)
)

select * from final
order by year
