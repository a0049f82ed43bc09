{#
    round(expr, digits) as an 8-byte float. Engines without round(double, int) (Postgres) get the
    value rounded as a numeric and cast back; duckdb rounds the double directly (half away from
    zero, as rpt_attainment always did).
#}
{% macro round_double(expr, digits=2) -%}
    {{ return(adapter.dispatch('round_double', 'ntm')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_double(expr, digits=2) -%}
    cast(round(cast({{ expr }} as {{ dbt.type_numeric() }}), {{ digits }}) as {{ ntm.type_double() }})
{%- endmacro %}

{% macro duckdb__round_double(expr, digits=2) -%}
    cast(round({{ expr }}, {{ digits }}) as {{ ntm.type_double() }})
{%- endmacro %}
