-- curated.trafficking_italy_detected_victims (view)
-- Victims of trafficking detected in Italy (UNODC GLOTIP definition) by year and breakdown; suppressed values
-- ('<5') have a null value and is_suppressed true.

select year, indicator, dimension, category, sex, age, value, is_suppressed, flag, source_file, source_row
from curated.thb_victims
where source = 'unodc_glotip' and geo_level = 'country' and country_iso3 = 'ITA'
order by year, dimension, category
