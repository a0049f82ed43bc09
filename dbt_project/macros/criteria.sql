{#
    The criterion columns of raw.criteria_rows: tc01 .. tc19 (criteria sets so far all have 19;
    from 2026 QD 51/2025 has 10, which will need a new list here).
#}
{% macro criterion_fields() -%}
    {%- set fields = [] -%}
    {%- for n in range(1, 20) -%}
        {%- do fields.append('tc%02d' % n) -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}

{#
    The band of a count of met criteria, as in the province's summary reports.
#}
{% macro criteria_band(criteria_met) -%}
    case
        when {{ criteria_met }} >= 19 then '19'
        when {{ criteria_met }} >= 15 then '15-18'
        when {{ criteria_met }} >= 10 then '10-14'
        when {{ criteria_met }} >= 5 then '5-9'
        when {{ criteria_met }} is not null then 'below 5'
    end
{%- endmacro %}
