"""The smuggling-trafficking nexus by nationality: arrivals to Italy beside detected trafficking victims."""

import dagster as dg

from pipelines.defs.curated.tables import curated_table

DOC = {
    "comment": (
        "One row per nationality (ISO3) and year: share of sea arrivals to Italy (ministry year-to-date where "
        "available, else UNHCR), detected trafficking victims in Italy of that citizenship (UNODC GLOTIP) and their "
        "share of all victims detected in Italy, and EU registered victims (Eurostat, EU27) of the citizenship "
        "group the nationality falls in. Different definitions, never added together; a share of arrivals beside "
        "a share of victims does not say that any arrival was trafficked, and victims detected in a year may have "
        "arrived in any year and by any route."
    ),
    "columns": {
        "share_of_arrivals_italy": "Arrivals of this nationality / all sea arrivals to Italy in the year",
        "arrivals_source": "italy_moi (year-to-date) or unhcr_odp (months summed)",
        "detected_victims_italy": "Victims of this citizenship detected in Italy (UNODC GLOTIP); null when suppressed (<5)",
        "detected_victims_suppressed": "True when UNODC published '<5' instead of a number",
        "share_of_detected_victims_italy": "detected_victims_italy / all victims detected in Italy that year",
        "eurostat_group": "Eurostat citizenship group: NAT (nationals of the reporting country), "
        "EU27_2020_FOR (other EU citizens), NEU27_2020_FOR (non-EU citizens)",
        "eu_registered_victims_in_group": "Registered victims in the EU27 of that group (Eurostat, a different "
        "definition from UNODC's detected victims)",
    },
}

_nexus = curated_table(
    "nexus_by_nationality",
    [dg.AssetKey(["curated", "arrivals_by_nationality"]), dg.AssetKey(["curated", "thb_victims"])],
    ["nationality_iso3", "year"],
    DOC,
)

ASSETS = [_nexus[0]]
CHECKS = [_nexus[1]]
