"""HTML of the evidence brief, the validation report and the data dictionary. Pure functions: frames in,
text out. Every value from the data is escaped, so a hostile string in a source file is shown, never run."""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from pipelines.defs.curated.figures import SAMPLE_LABEL

STYLE = """
body{font-family:"Liberation Sans",Arial,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}
.banner{background:#fff3cd;border:2px solid #b8860b;padding:.8rem 1rem;font-weight:bold;font-size:1.1rem}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.figure{border:1px solid #ddd;padding:.8rem}.figure .value{font-size:1.8rem;font-weight:bold}
.figure .cite{font-size:.8rem;color:#555}table{border-collapse:collapse;font-size:.85rem;width:100%}
td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
.fail{color:#a00;font-weight:bold}.warn{color:#8a6d00;font-weight:bold}.ok{color:#226622}
figure.evidence-chart{margin:1.5rem 0}figcaption{font-size:.8rem;color:#555}
"""


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return escape(value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat())
    return escape(str(value))


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(r[c])}</td>" for c in columns) + "</tr>" for _, r in frame.iterrows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _page(title: str, body: str, head_extra: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style>{head_extra}'
        f"</head><body>{body}</body></html>\n"
    )


def banner(sample: bool) -> str:
    return (
        f'<p class="banner" role="alert">{_e(SAMPLE_LABEL)}: every figure on this page is synthetic.</p>'
        if sample
        else ""
    )


def key_figures_html(figures: list[dict]) -> str:
    cards = []
    for item in figures:
        cards.append(
            f'<div class="figure"><div class="label">{_e(item["label"])}</div>'
            f'<div class="value">{_e(item["value"])}</div><div class="cite">{_e(item["citation"])}</div></div>'
        )
    return '<div class="figures">' + "".join(cards) + "</div>"


def cited_html(cited: pd.DataFrame) -> str:
    """The numbered list of published figures: what each is, its value, and the document it was read from, with
    its address (a link), publication date and the date it was read."""
    if not len(cited):
        return "<p>No published figures are built.</p>"
    items = []
    for row in cited.itertuples():
        period = f"{_e(row.period_start)} to {_e(row.period_end)}" + (" (partial)" if row.is_partial else "")
        quoted = (
            f", quoted in {_e(row.quoted_in)}" if isinstance(row.quoted_in, str) and row.quoted_in else ""
        )
        choice = "" if row.is_preferred else " Not the figure used: another document's is preferred."
        note = f" {_e(row.choice_note)}" if isinstance(row.choice_note, str) and row.choice_note else ""
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,}"
        items.append(
            f'<li id="figure-{_e(row.figure_id)}" value="{int(row.number)}" data-figure-id="{_e(row.figure_id)}">'
            f"<b>{_e(row.series)}</b> "
            + " ".join(_e(v) for v in (row.geo_iso3, row.breakdown) if isinstance(v, str) and v)
            + f", {period}: {_e(value)} {_e(row.unit)}. "
            f"{_e(row.publisher)}{quoted}, “{_e(row.document_title)}”, "
            f'<a class="figure-url" href="{_e(row.url)}">{_e(row.url)}</a>, '
            f'published <span class="published">{_e(row.published)}</span>'
            + (" (month only)" if row.published_precision == "month" else "")
            + f', read on <span class="read-on">{_e(row.read_on)}</span>.{choice}{note}</li>'
        )
    return '<ol class="published-figures">' + "".join(items) + "</ol>"


def route_html(*, figures: list[dict], fragments: list[str], cited: pd.DataFrame) -> str:
    """The route section: its figures (each citing its sources and the numbers of the published figures it
    uses), the route's charts, and the numbered published figures."""
    return (
        '<section id="route"><h2>The route from Libya</h2>'
        "<p>Departures, interceptions and returns, deaths by where they happened, the two proxy indicators of "
        "irregular migration and the nexus on the Frontex basis. Numbers in brackets are the published figures "
        "listed at the end of this section.</p>"
        + key_figures_html(figures)
        + "\n".join(fragments)
        + "<h3>Published figures cited</h3>"
        + cited_html(cited)
        + "</section>"
    )


def index_html(*, figures: list[dict], fragments: list[str], scripts: list[str], snapshots: pd.DataFrame,
               sample: bool, built_at: str, checks_summary: str, route: str = "") -> str:  # fmt: skip
    head = "".join(f'<script src="{escape(s)}"></script>' for s in scripts)
    vintages = _table(
        snapshots,
        [c for c in ["source", "original_name", "accessed", "published", "data_covers_from", "data_covers_to",
                     "licence", "data_label", "sha256"] if c in snapshots.columns],
    )  # fmt: skip
    body = (
        banner(sample)
        + "<h1>Evidence brief: irregular migration and trafficking on the Libya–EU (Central Mediterranean) route</h1>"
        + f"<p>Built {_e(built_at)} from the data vintages listed below. {_e(checks_summary)} "
        + '<a href="validation/index.html">Validation report</a> · <a href="data_dictionary.html">Data dictionary</a>'
        + "</p><h2>Key figures</h2>"
        + key_figures_html(figures)
        + route
        + "<h2>Charts</h2>"
        + "\n".join(fragments)
        + "<h2>Data vintages used</h2>"
        + vintages
    )
    return _page("Evidence brief: Libya–EU route", body, head)


def _levels(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(check rows, expectation rows) of curated.validation_results. A table of an older build, without
    `level`, holds expectation rows only: each check is then summarised from its expectations (failed if any
    failed, at the severity of its failures)."""
    if "level" in results.columns:
        return results[results["level"] == "check"], results[results["level"] == "expectation"]
    expectations = results.assign(outcome=results["success"].map({True: "passed", False: "failed"}))
    checks = [
        {"asset": asset, "check_name": name, "outcome": "passed" if group["success"].all() else "failed",
         "severity": "error" if (group.loc[~group["success"].astype(bool), "severity"] == "error").any()
         else group["severity"].iloc[0] if group["success"].all() else "warn"}
        for (asset, name), group in expectations.groupby(["asset", "check_name"], sort=True)
    ]  # fmt: skip
    return pd.DataFrame(checks, columns=["asset", "check_name", "outcome", "severity"]), expectations


def not_passed(checks: pd.DataFrame) -> pd.DataFrame:
    """Check rows whose outcome is not 'passed' (failed at either severity, or not recorded)."""
    return checks[checks["outcome"] != "passed"]


def validation_summary(results: pd.DataFrame) -> str:
    """The brief's line on validation, counted from curated.validation_results: checks and expectations, how
    many failed at each severity, and every check not passed, by name."""
    checks, expectations = _levels(results)
    failed = not_passed(checks)
    errors = failed[(failed["outcome"] == "failed") & (failed["severity"] == "error")]
    warns = failed[(failed["outcome"] == "failed") & (failed["severity"] == "warn")]
    unknown = failed[failed["outcome"] != "failed"]
    unmet = int((expectations["success"] == False).sum())  # noqa: E712 (a null is not a failure)
    text = (
        f"{len(checks)} validation checks ({len(expectations)} validation expectations, {unmet} not met): "
        f"{len(errors)} failed, {len(warns)} warnings"
        + (f", {len(unknown)} not recorded" if len(unknown) else "")
        + "."
    )
    if len(failed):
        named = "; ".join(
            f"{r['asset']}:{r['check_name']} ({r['severity'] if r['outcome'] == 'failed' else r['outcome']})"
            for _, r in failed.sort_values(["asset", "check_name"]).iterrows()
        )
        text += f" Not passed: {named}."
    if "in_last_build" in checks.columns and len(checks) and not checks["in_last_build"].astype(bool).all():
        earlier = int((~checks["in_last_build"].astype(bool)).sum())
        text += f" {earlier} of the checks are results kept from an earlier build (their assets were not rebuilt)."
    return text


def _with_result(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    outcomes = (
        frame["outcome"]
        if "outcome" in frame.columns
        else frame["success"].map({True: "passed", False: "failed"})
    )
    frame["result"] = [
        "passed"
        if o == "passed"
        else ("FAILED" if sev == "error" else "warning")
        if o == "failed"
        else str(o)
        for o, sev in zip(outcomes, frame["severity"], strict=True)
    ]
    return frame


def validation_html(results: pd.DataFrame, *, sample: bool, built_at: str) -> str:
    checks, expectations = (_with_result(f) for f in _levels(results))
    check_columns = ["asset", "check_name", "severity", "result", "summary", "checked_at", "in_last_build"]
    check_columns = [c for c in check_columns if c in checks.columns]
    columns = ["asset", "check_name", "expectation", "kwargs", "severity", "result", "unexpected_count",
               "element_count", "checked_at"]  # fmt: skip
    failed_checks = checks[checks["result"] != "passed"]
    failed_expectations = expectations[expectations["result"] != "passed"]
    body = (
        banner(sample)
        + f"<h1>Validation report</h1><p>Last build {_e(built_at)}. Checks that fail with severity error stop "
        + "publishing; warnings are reported and do not.</p>"
        + f"<p>{_e(validation_summary(results))}</p>"
        + "<h2>Checks not passed</h2>"
        + (_table(failed_checks, check_columns) if len(failed_checks) else "<p>None.</p>")
        + "<h2>Expectations not met</h2>"
        + (_table(failed_expectations, columns) if len(failed_expectations) else "<p>None.</p>")
        + "<h2>Every check</h2>"
        + _table(checks, check_columns)
        + "<h2>Every expectation</h2>"
        + _table(expectations, columns)
        + '<p><a href="../index.html">Back to the brief</a></p>'
    )
    return _page("Validation report", body)


def dictionary_html(dictionary: pd.DataFrame) -> str:
    parts = ["<h1>Data dictionary</h1><p>Tables of <code>data/curated/evidence.duckdb</code> (schema curated), "
             "also as Parquet in <code>data/curated/parquet/</code>.</p>"]  # fmt: skip
    for table, rows in dictionary.groupby("table", sort=True):
        parts.append(f"<h2 id='{_e(table)}'>{_e(table)}</h2><p>{_e(rows['table_description'].iloc[0])}</p>")
        parts.append(_table(rows, ["column", "type", "description"]))
    parts.append('<p><a href="index.html">Back to the brief</a></p>')
    return _page("Data dictionary", "".join(parts))
