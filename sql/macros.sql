-- Parsing macros shared by the staging models. Loaded once per connection by pipelines/lib/sql.py.

-- A count as the publisher writes it: "12", "1,022" (thousands separator), "" (unknown).
-- Anything else yields null; the staging asset refuses such cells before this runs.
create or replace temp macro parse_count(v) as
    case
        when regexp_full_match(trim(v), '-?[0-9]+') then cast(trim(v) as bigint)
        when regexp_full_match(trim(v), '-?[0-9]{1,3}(,[0-9]{3})+') then cast(replace(trim(v), ',', '') as bigint)
    end;

-- A multi-valued cell ("Central Mediterranean,Sahara Desert crossing") as a list. Values are
-- separated by a bare comma; a comma followed by a space belongs to the value
-- ("From Haiti to Dajabon, Dominican Republic").
create or replace temp macro split_values(v) as
    case
        when nullif(trim(v), '') is not null
            then list_filter(
                list_transform(string_split(replace(v, ', ', chr(31)), ','), lambda x: trim(replace(x, chr(31), ', '))),
                lambda x: x <> ''
            )
    end;

-- Month names and abbreviations in English, as the MMP vintages write them.
create or replace temp macro parse_month(v) as
    case lower(left(trim(v), 3))
        when 'jan' then 1 when 'feb' then 2 when 'mar' then 3 when 'apr' then 4
        when 'may' then 5 when 'jun' then 6 when 'jul' then 7 when 'aug' then 8
        when 'sep' then 9 when 'oct' then 10 when 'nov' then 11 when 'dec' then 12
    end;
