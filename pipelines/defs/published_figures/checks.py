"""A Great Expectations suite on staging.stg_published_figures__figures (blocking): every figure cited."""

from pipelines.defs.published_figures.assets import STAGING_KEY
from pipelines.lib.checks import gx_suite_check
from pipelines.lib.gx_runner import Expectation

FRAME = """
select figure_id, url, published, read_on, value, citation,
       case when is_preferred then concat_ws('|', series, coalesce(geo_iso3, ''), coalesce(breakdown, ''),
                                             period_start, period_end) end as preferred_key,
       period_start <= period_end and published <= read_on as dates_in_order
from staging.stg_published_figures__figures
"""


def _expectations(con) -> list[Expectation]:  # noqa: ANN001, ARG001
    return [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "figure_id"}),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "preferred_key"}),
        *(Expectation("ExpectColumnValuesToNotBeNull", {"column": c})
          for c in ("url", "published", "read_on", "value", "citation")),
        Expectation("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": r"^https?://\S+$"}),
        Expectation("ExpectColumnValuesToBeBetween", {"column": "value", "min_value": 0}),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "dates_in_order", "value_set": [True]}),
    ]  # fmt: skip


figures_suite = gx_suite_check(
    STAGING_KEY,
    "gx_figures_suite",
    FRAME,
    _expectations,
    "Every figure has a unique id, an address, a publication and a read date, a non-negative value and a "
    "citation; one preferred row per figure; periods and dates in order.",
)

CHECKS = [figures_suite]
