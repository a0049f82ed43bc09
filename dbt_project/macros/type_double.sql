{#
    An 8-byte floating type. dbt.type_float() is a 4-byte REAL on duckdb, too coarse for ratios.
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'ntm')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}
