"""The route tables on the synthetic sample (every source, as `make demo` builds it): attempted crossings with the
fuller denominator, the proxy indicators side by side, the Frontex nationality mix. Expected figures come from the
sample's input files (its published-figures list, Eurostat responses, the published totals it follows)."""

from __future__ import annotations

import pytest

from pipelines.sample import eurostat_eipre as eipre_sample
from pipelines.sample import published_figures as figures_sample
from tests.build_helpers import query

FRONTEX_CENTRAL_MED_2016 = 181_376  # Frontex's published figure, which the sample follows


@pytest.fixture
def sample_db(sample_everything_built):  # noqa: ANN001, ANN201
    return sample_everything_built[0].published_db


def test_attempted_crossings_add_interceptions_to_the_denominator(sample_db) -> None:  # noqa: ANN001
    returned = {int(r["period_start"][:4]): (int(r["value"]), r["is_partial"] == "true") for r in figures_sample.rows()
                if r["series"] == "intercepted_returned_to_libya"}  # fmt: skip
    rows = query(sample_db, "select year, arrivals, intercepted_returned_libya, dead_and_missing, attempted_crossings, "
                 "mortality_per_1000_attempts, mortality_per_1000_arrivals_basis, attempts_null_reason, "
                 "arrivals_is_complete, dead_and_missing_is_complete, intercepted_citation "
                 "from curated.central_med_attempts_yearly")  # fmt: skip
    published = 0
    for (
        year,
        arrivals,
        intercepted,
        dm,
        attempts,
        per_attempt,
        per_arrival,
        reason,
        a_ok,
        d_ok,
        citation,
    ) in rows:
        assert intercepted == (returned[year][0] if year in returned else None)
        if a_ok and d_ok and year in returned and not returned[year][1]:
            published += 1
            assert attempts == arrivals + intercepted + dm and reason is None
            assert per_attempt == round(1000 * dm / attempts, 2) and per_attempt < per_arrival
            assert "example.org" in citation
        else:
            assert attempts is None and per_attempt is None and reason
    assert published >= 1
    assert {r[0]: r[7] for r in rows}[2025] == "returns to Libya published only to 2025-07-12"


def test_proxy_indicators_sit_side_by_side_never_added(sample_db) -> None:  # noqa: ANN001
    rows = query(
        sample_db, "select indicator_source, area, year, value, flag from curated.proxy_indicators_yearly"
    )
    italy = {y: v for s, a, y, v, _f in rows if s == "eurostat_eipre" and a == "ITA"}
    assert italy == eipre_sample.ITALY
    assert {(s, a) for s, a, *_ in rows} == {("eurostat_eipre", "ITA"), ("eurostat_eipre", "MLT"),
                                             ("frontex_ibc", "ITA+MLT")}  # fmt: skip
    frontex = {y: (v, f) for s, a, y, v, f in rows if s == "frontex_ibc"}
    assert frontex[2016] == (FRONTEX_CENTRAL_MED_2016, None)
    assert frontex[2025][1] == "partial year: 4 months to 2025-04"
    assert [f for s, a, y, _v, f in rows if s == "eurostat_eipre" and a == "ITA" and y == 2022] == ["p"]


def test_nationality_mix_is_complete_and_shares_only_for_complete_years(sample_db) -> None:  # noqa: ANN001
    rows = query(sample_db, "select year, sum(share_percent), bool_and(is_complete), count(*) filter (where "
                 "nationality_kind <> 'country'), max(share_null_reason) from curated.frontex_nationality_mix_yearly "
                 "group by 1 order by 1")  # fmt: skip
    for _year, shares, complete, categories, reason in rows:
        assert (
            categories >= 3
        )  # Unknown, Unspecified sub-Saharan nationals, Stateless / Kosovo* / Palestine^ shown
        if complete:
            assert abs(shares - 100) < 0.1 and reason is None
        else:
            assert shares is None and reason.startswith("partial year")
    assert [r[2] for r in rows if r[0] == 2025] == [False]
