{#
    A cast that yields null instead of failing on a value that does not convert.
    dbt.safe_cast compiles to a plain cast on duckdb, so duckdb gets try_cast here.
#}
{% macro safe_cast(field, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'ntm')(field, type)) }}
{%- endmacro %}

{% macro default__safe_cast(field, type) -%}
    {{ dbt.safe_cast(field, type) }}
{%- endmacro %}

{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
