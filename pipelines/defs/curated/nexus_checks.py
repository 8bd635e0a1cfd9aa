"""Blocking check of curated.nexus_by_nationality: the victim shares of one country-year never add up to more
than 100 % unless an explanation is recorded in nexus_explanations.csv (who, when, why, and what was done)."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.lib import meta
from pipelines.lib.checks import recorded_check
from pipelines.lib.warehouse import Warehouse

NEXUS = dg.AssetKey(["curated", "nexus_by_nationality"])
EXPLANATIONS = Path(__file__).resolve().parent / "nexus_explanations.csv"
COUNTRY = "ITA"  # the table holds victims detected in Italy only
TREATMENTS = ("withhold shares", "keep shares")
FIELDS = ("country_iso3", "year", "treatment", "recorded_by", "recorded_on", "explanation")
# shares are rounded to 4 decimals: n rounded shares of a true 100 % can add up to 1 + n x 0.00005
ROUNDING = 0.00005


def load_explanations(path: Path = EXPLANATIONS) -> tuple[dict[tuple[str, int], dict], list[str]]:
    """The recorded explanations by (country_iso3, year), and the problems of the file (a missing field, an
    unknown treatment, a country-year recorded twice)."""
    found: dict[tuple[str, int], dict] = {}
    problems: list[str] = []
    if not path.exists():
        return found, problems
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            return found, [f"{path.name}: missing column(s) {', '.join(missing)}"]
        for line, row in enumerate(reader, start=2):
            empty = [f for f in FIELDS if not (row.get(f) or "").strip()]
            if empty:
                problems.append(f"{path.name} line {line}: empty {', '.join(empty)}")
                continue
            if row["treatment"] not in TREATMENTS:
                problems.append(
                    f"{path.name} line {line}: treatment {row['treatment']!r} not one of {TREATMENTS}"
                )
                continue
            try:
                key = (row["country_iso3"].strip(), int(row["year"]))
            except ValueError:
                problems.append(f"{path.name} line {line}: year {row['year']!r} is not a year")
                continue
            if key in found:
                problems.append(f"{path.name} line {line}: {key[0]} {key[1]} recorded twice")
            found[key] = row
    return found, problems


def country_years(con: duckdb.DuckDBPyConnection, table: str = "curated.nexus_by_nationality") -> list[dict]:
    """Per year: the national total, what the published citizenship counts and the published shares add up
    to (from the table's rows and from its carried breakdown sum, whichever is larger)."""
    rows = con.execute(
        f"""
        select
            year,
            max(detected_victims_italy_total) as total,
            greatest(coalesce(max(victims_listed_total), 0), coalesce(sum(detected_victims_italy), 0)) as counted,
            coalesce(sum(share_of_detected_victims_italy), 0) as published_share_sum,
            count(share_of_detected_victims_italy) as published_shares
        from {table}
        group by year
        having count(detected_victims_italy) > 0 or max(victims_listed_total) is not null
        order by year
        """
    ).fetchall()
    return [dict(zip(("year", "total", "counted", "published_share_sum", "published_shares"), r, strict=True))
            for r in rows]  # fmt: skip


def findings(years: list[dict], explanations: dict[tuple[str, int], dict]) -> dict:
    """Which country-years exceed 100 % (the counts or the published shares), which of them are explained, and
    which explanations say 'withhold shares' while shares are still published."""
    exceeding, unexplained, still_published = [], [], []
    for y in years:
        share_sum = (y["counted"] / y["total"]) if y["total"] else None
        over = (share_sum is not None and share_sum > 1) or (
            y["published_share_sum"] > 1 + ROUNDING * max(y["published_shares"], 1)
        )
        if not over:
            continue
        entry = {"country_iso3": COUNTRY, "year": int(y["year"]), "total": y["total"], "counted": y["counted"],
                 "share_sum": round(share_sum, 4) if share_sum is not None else None,
                 "published_share_sum": round(float(y["published_share_sum"]), 4)}  # fmt: skip
        exceeding.append(entry)
        explanation = explanations.get((COUNTRY, int(y["year"])))
        if explanation is None:
            unexplained.append(entry)
        elif explanation["treatment"] == "withhold shares" and y["published_shares"] > 0:
            still_published.append(entry)
    return {"checked": len(years), "exceeding": exceeding, "unexplained": unexplained,
            "still_published": still_published}  # fmt: skip


def evaluate(con: duckdb.DuckDBPyConnection, path: Path = EXPLANATIONS, table: str = "curated.nexus_by_nationality"
             ) -> tuple[bool, dict, list[dict]]:  # fmt: skip
    """(passed, metadata, rows for meta.record_validation)."""
    explanations, problems = load_explanations(path)
    result = findings(country_years(con, table), explanations)
    rows = [
        {"expectation": "victim shares of a country-year add up to at most 100 % unless an explanation is recorded",
         "kwargs": {"explanations": path.name, "exceeding": [f"{e['country_iso3']} {e['year']}" for e in result["exceeding"]]},
         "success": not result["unexplained"], "unexpected_count": len(result["unexplained"]),
         "element_count": result["checked"], "severity": "error"},
        {"expectation": "no share is published for a country-year whose explanation withholds its shares",
         "kwargs": {"explanations": path.name},
         "success": not result["still_published"], "unexpected_count": len(result["still_published"]),
         "element_count": len(result["exceeding"]), "severity": "error"},
        {"expectation": "every recorded explanation names the country-year, treatment, who, when and why",
         "kwargs": {"explanations": path.name, "problems": problems},
         "success": not problems, "unexpected_count": len(problems),
         "element_count": len(explanations) + len(problems), "severity": "error"},
    ]  # fmt: skip
    passed = all(r["success"] for r in rows)
    metadata = {
        "country_years_checked": result["checked"],
        "exceeding_100_percent": dg.MetadataValue.json(result["exceeding"]),
        "unexplained": dg.MetadataValue.json(result["unexplained"]),
        "withheld_but_published": dg.MetadataValue.json(result["still_published"]),
        "explanation_file_problems": dg.MetadataValue.json(problems),
    }
    return passed, metadata, rows


@recorded_check(
    asset=NEXUS,
    name="victim_shares_within_total",
    description="The shares of detected victims of all citizenships of one country-year add up to at most 100 % "
    "of its national total, unless pipelines/defs/curated/nexus_explanations.csv records who found why (and "
    "then the year's shares are withheld or kept as it says).",
)
def victim_shares_within_total(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        passed, metadata, rows = evaluate(con)
        meta.record_validation(con, "curated/nexus_by_nationality", "victim_shares_within_total",
                               "nexus_by_nationality", rows)  # fmt: skip
    return dg.AssetCheckResult(passed=passed, metadata=metadata)
