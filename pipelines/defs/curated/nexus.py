"""The smuggling-trafficking nexus by nationality: arrivals to Italy beside detected trafficking victims."""

from pathlib import Path

import dagster as dg

from pipelines.defs.curated import nexus_checks
from pipelines.defs.curated.nexus_checks import EXPLANATIONS
from pipelines.defs.curated.tables import curated_table
from pipelines.lib.sql import literal

STATUS = (
    "'reported'; 'not in published list' (the publisher covers the year but does not list this nationality: it is "
    "inside the publisher's others/unknown, never 0); 'not reported' (no source covers the year)"
)

DOC = {
    "comment": (
        "One row per nationality (ISO3) and year that a publisher lists, among arrivals to Italy by nationality "
        "(one publisher per year: the ministry's year-to-date, else UNHCR's months) or among the citizenships of "
        "victims of trafficking detected in Italy (UNODC GLOTIP): the share of arrivals of the same publisher's "
        "total of all sea arrivals to Italy that year (arrivals_denominator, with its source and basis), the "
        "share of UNODC's national total of detected victims, and EU registered victims (Eurostat, EU27) of the "
        "citizenship group. A value not published is null with its reason in arrival_share_status / "
        "victims_status (outside the published list, suppressed '<5', not reported, partial year), never 0; a "
        "share is published only for a year its inputs cover completely. Where a year's citizenship counts exceed "
        "the national total, its shares are withheld when nexus_explanations.csv records why, and the blocking "
        "check victim_shares_within_total fails when it does not. Different definitions, never added together; a "
        "share of arrivals beside a share of victims does not say that any arrival was trafficked, and victims "
        "detected in a year may have arrived in any year and by any route."
    ),
    "columns": {
        "nationality_iso3": "Nationality or citizenship, ISO 3166-1 alpha-3",
        "year": "Calendar year of the arrivals and of the detection",
        "arrivals_italy": "Sea arrivals to Italy of this nationality in the year, from arrivals_source (ministry: "
        "year-to-date at its last report of the year; UNHCR: the months it lists the nationality, summed); null "
        "when the publisher does not list the nationality or no source covers the year (arrival_share_status); "
        "a partial year is the part covered (arrivals_period_start .. arrivals_period_end)",
        "share_of_arrivals_italy": "arrivals_italy / arrivals_denominator: the share of all sea arrivals to Italy "
        "in the year as counted by the same publisher (ministry: its total of every nationality, listed and "
        "'altre', at 31 December; UNHCR: its own monthly sea-arrival series summed over the twelve months, not "
        "the sum of the nationalities it lists). Null unless arrival_share_status = 'reported': never over a "
        "partial year, never 0 for a nationality outside the list",
        "arrival_share_status": f"Why share_of_arrivals_italy is or is not published: {STATUS}; 'partial year' "
        "(the year or this nationality's figure is incomplete: ministry report before 31 December, fewer than "
        "twelve UNHCR months listed, or no complete UNHCR annual series)",
        "arrivals_source": "Publisher of the arrival figures used for the year: italy_moi (Ministry of the "
        "Interior, preferred) or unhcr_odp, a complete year first; null when no source covers the year",
        "arrivals_basis": "How arrivals_italy was counted (curated.arrivals_by_nationality basis); null when not "
        "listed",
        "arrivals_period_start": "First day arrivals_italy covers; null when not listed",
        "arrivals_period_end": "Last day arrivals_italy covers (ministry: its report date); null when not listed",
        "arrivals_months_listed": "UNHCR years: months of the year in which UNHCR lists this nationality (12 for "
        "a whole year; fewer makes the row 'partial year'); null for ministry years and unlisted nationalities",
        "arrivals_year_complete": "True when arrivals_source covers the whole calendar year (ministry report of 31 "
        "December; UNHCR: twelve nationality months and twelve complete months of its sea-arrival series); null "
        "when no source covers the year",
        "arrivals_denominator": "Denominator of share_of_arrivals_italy: all sea arrivals to Italy in the year "
        "from the same publisher (see arrivals_denominator_basis); for a partial year the part covered; null when "
        "no source covers the year or UNHCR's series has no month of it",
        "arrivals_denominator_source": "Publisher of arrivals_denominator: italy_moi or unhcr_odp; null for a year no "
        "arrivals source covers (victim rows only)",
        "arrivals_denominator_basis": "What arrivals_denominator counts, in words: the ministry report date and "
        "listed nationalities, or the UNHCR series months summed and what its listed nationalities add up to; null "
        "for a year no arrivals source covers",
        "arrivals_denominator_period_start": "First day the year's nationality figures of arrivals_source cover; null "
        "for a year no arrivals source covers",
        "arrivals_denominator_period_end": "Last day the year's nationality figures of arrivals_source cover; null for "
        "a year no arrivals source covers",
        "arrivals_listed_nationalities": "Nationalities arrivals_source lists for Italy in the year; null for a year no "
        "arrivals source covers",
        "arrivals_listed_total": "Sum of the listed nationalities' arrivals (what the list accounts for); null for a "
        "year no arrivals source covers",
        "arrivals_not_in_list": "arrivals_denominator - arrivals_listed_total: arrivals of nationalities the "
        "publisher does not list (ministry: its 'altre'; UNHCR: derived, its own 'Others' row is 0 in 2016-2018); "
        "null for a year no arrivals source covers",
        "arrivals_source_file": "Stored snapshot(s) arrivals_italy comes from; null when not listed",
        "detected_victims_italy": "Victims of this citizenship detected in Italy (UNODC GLOTIP, sex and age "
        "Total); null when suppressed ('<5') or not published (victims_status)",
        "victims_status": "'reported'; 'suppressed (<5)' (UNODC published '<5': between 1 and 4, not 0); 'not in "
        "published list' (UNODC gives a citizenship breakdown for Italy that year without this citizenship); "
        "'not reported' (no citizenship breakdown for Italy that year)",
        "detected_victims_suppressed": "True when UNODC published '<5' instead of a number",
        "share_of_detected_victims_italy": "detected_victims_italy / detected_victims_italy_total (UNODC's "
        "national total of victims detected in Italy, all citizenships); null unless victims_share_status = "
        "'reported'",
        "victims_share_status": "Why share_of_detected_victims_italy is or is not published: victims_status when "
        "the count is not reported; 'no national total'; 'withheld: citizenships exceed the national total' "
        "(explained in victims_share_explanation); 'reported'",
        "detected_victims_italy_total": "Denominator of share_of_detected_victims_italy: UNODC's national total "
        "of victims detected in Italy in the year (dimension Total, sex and age Total); null when not published",
        "victims_listed_citizenships": "Citizenship rows UNODC publishes for Italy in the year (countries, "
        "'Unknown', former states); null when it publishes no breakdown",
        "victims_listed_total": "Sum of the published citizenship counts of the year (suppressed '<5' rows "
        "excluded, so a minimum); null for a year UNODC gives no citizenship breakdown",
        "victims_suppressed_citizenships": "Citizenship rows of the year published as '<5'; null for a year UNODC "
        "gives no citizenship breakdown",
        "victims_listed_share_sum": "victims_listed_total / detected_victims_italy_total: what the published "
        "citizenship shares of the year add up to at least; above 1 the breakdown exceeds the total (the check "
        "victim_shares_within_total); null for a year UNODC gives no citizenship breakdown",
        "victims_share_explanation": "Why the year's citizenship counts exceed the national total, and who "
        "recorded it (pipelines/defs/curated/nexus_explanations.csv); null when no explanation is recorded",
        "victims_source_file": "Stored GLOTIP release detected_victims_italy comes from; null when UNODC lists no "
        "figure for the nationality and year",
        "victims_source_row": "Sheet row of detected_victims_italy in that release; null when UNODC lists no figure",
        "eurostat_group": "Eurostat citizenship group: NAT (nationals of the reporting country), "
        "EU27_2020_FOR (other EU citizens), NEU27_2020_FOR (non-EU citizens)",
        "eurostat_group_label": "Eurostat's label of the group; null when Eurostat reports nothing for it",
        "eu_registered_victims_in_group": "Registered victims in the EU27 of that group (Eurostat, a different "
        "definition from UNODC's detected victims; the whole group, not this nationality); null when not "
        "reported or confidential (eu_victims_status)",
        "eu_victims_status": "'reported', 'suppressed' (Eurostat confidential or not available) or 'not "
        "reported' (no Eurostat figure loaded for the group and year)",
    },
}


def load_explanations(con, path: Path = EXPLANATIONS) -> None:  # noqa: ANN001
    """The recorded explanations of country-years whose victim citizenships exceed the national total, as the
    temporary view nexus__explanations the SQL joins."""
    con.execute(
        "create or replace temp view nexus__explanations as select country_iso3, cast(year as integer) as year, "
        "treatment, recorded_by, recorded_on, explanation from read_csv("
        f"{literal(str(path))}, header = true, all_varchar = true)"
    )


_nexus = curated_table(
    "nexus_by_nationality",
    [
        dg.AssetKey(["curated", "arrivals_by_nationality"]),
        dg.AssetKey(["curated", "thb_victims"]),
        dg.AssetKey(["staging", "stg_unhcr_odp__arrivals"]),
        dg.AssetKey(["staging", "stg_unhcr_odp__arrivals_by_nationality"]),
    ],
    ["nationality_iso3", "year"],
    DOC,
    setup=load_explanations,
)

LAGGED_DOC = {
    "comment": (
        "One row per nationality, year of detection of trafficking victims in Italy (victims_year: a year UNODC "
        "GLOTIP gives a citizenship breakdown for Italy) and lag of 0 to 3 years: the nationality's share of the "
        "victims detected in Italy in victims_year beside its share of Frontex detections of illegal border-crossing "
        "on the Central Mediterranean route in crossing_year = victims_year - lag_years (the complete Frontex list, "
        "unknown and unspecified categories included, curated.frontex_nationality_mix_yearly). Nationalities are "
        "those either publisher lists. Frontex counts detections, not persons, of third-country nationals: "
        "Italian nationals, detected as victims, are is_national rows with the Frontex columns null. A value not "
        "published is null with its reason in victims_share_status / frontex_status, never 0. Side by side, never "
        "divided into each other: a victim detected in a year may have arrived in any year and by any route, and the "
        "two shares do not say that anyone detected at the border was trafficked."
    ),
    "columns": {
        "victims_year": "Calendar year of the detection of the victims (UNODC GLOTIP data year)",
        "lag_years": "Years between crossing_year and victims_year: 0 to 3",
        "crossing_year": "Calendar year of the Frontex detections set beside the victims: victims_year - lag_years",
        "nationality_key": "ISO3; UNODC's code for the two designations Frontex footnotes (XKX for Kosovo*, PSE for "
        "Palestine^), so that both publishers' rows meet; or Frontex's category name for a label that is not a "
        "country (Unknown, Stateless …)",
        "nationality_iso3": "ISO 3166-1 alpha-3 (UNODC's XKX for Kosovo); null for a Frontex category, a Frontex "
        "designation or an unmapped label",
        "nationality": "Frontex's nationality (ISO 3166 name or category); UNODC's citizenship label for one only "
        "UNODC lists",
        "nationality_kind": "country, not_a_country, designation or unmapped (Frontex's labels); 'country' for a "
        "citizenship only UNODC lists",
        "is_national": "True for Italian nationals: detected victims, never counted by Frontex at the border",
        "detected_victims_italy": "Victims of this citizenship detected in Italy in victims_year (UNODC, sex and "
        "age Total); null when suppressed ('<5') or not published (victims_status)",
        "victims_status": "'reported'; 'suppressed (<5)'; 'not in published list' (UNODC's breakdown of the year "
        "does not list the citizenship); 'not a citizenship UNODC lists' (a Frontex category such as Unknown)",
        "share_of_detected_victims_italy": "detected_victims_italy / detected_victims_italy_total "
        "(curated.nexus_by_nationality); null unless victims_share_status = 'reported'",
        "victims_share_status": "Why share_of_detected_victims_italy is or is not published "
        "(curated.nexus_by_nationality.victims_share_status, or victims_status for a nationality UNODC does not list)",
        "detected_victims_italy_total": "UNODC's national total of victims detected in Italy in victims_year; null "
        "when not published",
        "victims_source_file": "Stored GLOTIP release detected_victims_italy comes from; null when UNODC lists no "
        "figure",
        "victims_source_row": "Sheet row of detected_victims_italy in that release; null when UNODC lists no figure",
        "frontex_detections": "Frontex detections of the nationality on the Central Mediterranean route in "
        "crossing_year (the months covered); null for nationals, a nationality Frontex does not list, or an empty "
        "cell (frontex_status)",
        "frontex_share_percent": "frontex_detections / frontex_route_detections x 100 over a complete year; null "
        "unless frontex_status = 'reported'",
        "frontex_route_detections": "All Frontex detections on the route in crossing_year, for a complete year; null "
        "for a partial or uncovered year and for nationals",
        "frontex_months_covered": "Months of crossing_year the Frontex workbooks cover; null when none",
        "frontex_status": "'reported'; 'nationals: not counted by Frontex'; 'not reported' (no workbook covers "
        "crossing_year, or an empty cell); 'not in Frontex list' (the year is covered, the nationality not listed); "
        "'partial year: N months to YYYY-MM' or 'N empty cell(s) in the year'",
    },
}

_lagged = curated_table(
    "nexus_frontex_lagged",
    [
        dg.AssetKey(["curated", t])
        for t in ("nexus_by_nationality", "thb_victims", "frontex_nationality_mix_yearly")
    ],
    ["victims_year", "lag_years", "nationality_key"],
    LAGGED_DOC,
)

ASSETS = [_nexus[0], _lagged[0]]
CHECKS = [_nexus[1], nexus_checks.victim_shares_within_total, _lagged[1]]
