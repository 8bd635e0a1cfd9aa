"""Figures the publishers themselves published, used as expected values (never taken from the pipeline's code).

IOM Missing Migrants Project, Central Mediterranean dead and missing by incident year (route exactly
"Central Mediterranean"), as listed with the 2025-05-05 export in ../shared/data/README.md and the foundation issue.
"""

MMP_CENTRAL_MED_2014_2024 = {
    2014: 3126, 2015: 3149, 2016: 4574, 2017: 2853, 2018: 1314, 2019: 1262,
    2020: 991, 2021: 1552, 2022: 1417, 2023: 2526, 2024: 1719,
}  # fmt: skip
