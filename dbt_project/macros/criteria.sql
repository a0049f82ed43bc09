{#
    The criterion columns of raw.criteria_rows (district workbooks, quarters up to 2025Q2): tc01 ..
    tc19. Commune workbooks (from 2025Q3) list their criteria as rows (raw.criterion_rows), as many
    as their set has.
#}
{% macro criterion_fields() -%}
    {%- set fields = [] -%}
    {%- for n in range(1, 20) -%}
        {%- do fields.append('tc%02d' % n) -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}

{#
    The band of a count of met criteria WITHIN ITS SET (criteria_count: 19 or 10), as in the
    province's summary reports. 19 criteria (QĐ 1980/2016, QĐ 318/2022): '19' (all), '15-18',
    '10-14', '5-9', 'below 5'. 10 criteria (QĐ 51/2025): '10' (all), '7-9', '4-6', 'below 4'.
    Bands of different sets are never added together: the views count them in separate rows.
    Without criteria_count the band is the 19-criteria one (every set before 2026). The count
    itself is data (seed criteria_sets: stg_reference__criteria_sets, dim_criteria_set), never
    written in SQL.
#}
{% macro criteria_band(criteria_met, criteria_count=19) -%}
    case
        when {{ criteria_met }} is null then null
        when {{ criteria_count }} = 10 then
            case
                when {{ criteria_met }} >= 10 then '10'
                when {{ criteria_met }} >= 7 then '7-9'
                when {{ criteria_met }} >= 4 then '4-6'
                else 'below 4'
            end
        when {{ criteria_met }} >= 19 then '19'
        when {{ criteria_met }} >= 15 then '15-18'
        when {{ criteria_met }} >= 10 then '10-14'
        when {{ criteria_met }} >= 5 then '5-9'
        else 'below 5'
    end
{%- endmacro %}
