"""Every curated table, view and column of the published database says what it holds (COMMENT ON), the data
dictionary lists each of them, and a column that holds nulls says what a null means."""

from __future__ import annotations

import csv

import pytest

from tests.build_helpers import query

pytestmark = pytest.mark.slow


@pytest.fixture
def sample_build(sample_everything_built):  # noqa: ANN001, ANN201
    return sample_everything_built[0]  # `migration-evidence sample` + `build --offline`, as `make demo`


def _columns(paths) -> list[tuple[str, str, str | None]]:  # noqa: ANN001
    return query(
        paths.published_db,
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'curated' "
        "order by table_name, column_index",
    )


def test_every_curated_relation_and_column_has_a_comment(sample_build) -> None:  # noqa: ANN001
    relations = query(
        sample_build.published_db,
        "select table_name, comment from duckdb_tables() where schema_name = 'curated' union all "
        "select view_name, comment from duckdb_views() where schema_name = 'curated' and not internal",
    )
    assert len(relations) > 15
    assert [name for name, comment in relations if not (comment or "").strip()] == []
    undocumented = [f"{t}.{c}" for t, c, comment in _columns(sample_build) if not (comment or "").strip()]
    assert undocumented == []


def test_a_column_holding_nulls_says_what_a_null_means(sample_build) -> None:  # noqa: ANN001
    """'Not reported' is null, never 0, and the reader must be told: the comment of every curated column that
    holds a null in the sample build names null (or says what an empty value means)."""
    import duckdb

    con = duckdb.connect(str(sample_build.published_db), read_only=True)
    try:
        silent = []
        for table, column, comment in _columns(sample_build):
            quoted = '"' + column.replace('"', '""') + '"'
            (nulls,) = con.execute(f"select count(*) from curated.{table} where {quoted} is null").fetchall()[
                0
            ]
            text = (comment or "").lower()
            if nulls and not any(word in text for word in ("null", "empty", "blank", "none")):
                silent.append(f"{table}.{column} ({nulls} nulls)")
    finally:
        con.close()
    assert silent == []


def test_the_data_dictionary_lists_every_curated_column(sample_build) -> None:  # noqa: ANN001
    with (sample_build.reports_dir / "data_dictionary.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    listed = {(r["table"], r["column"]): r["description"] for r in rows}
    expected = {(t, c): comment for t, c, comment in _columns(sample_build)}
    assert set(listed) == set(expected)
    assert all(listed[key] == (expected[key] or "") for key in expected)
