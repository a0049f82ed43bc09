{#
    A cast that yields null instead of failing on a value that does not convert.
    Not dbt.safe_cast: it dispatches back to this project's default__safe_cast (the root project's
    macros come first in dbt's search), and it is a plain cast on duckdb and postgres anyway.
#}
{% macro safe_cast(field, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'ntm')(field, type)) }}
{%- endmacro %}

{% macro default__safe_cast(field, type) -%}
    cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- PostgreSQL has no try_cast: a number is read only from text that is one (DuckDB's try_cast
    reads the same spellings: signs, decimals, exponents, spaces around); anything else is null. -#}
{% macro postgres__safe_cast(field, type) -%}
    {%- set text = "trim(cast(" ~ field ~ " as text))" -%}
    case
        when {{ text }} ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'
            then cast({{ text }} as {{ type }})
    end
{%- endmacro %}
