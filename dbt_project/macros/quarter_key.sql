{#
    The quarter key text used across the warehouse, e.g. '2018Q4', from a date expression.
#}
{% macro quarter_key(date_expr) -%}
    {{ dbt.concat([
        "cast(extract(year from " ~ date_expr ~ ") as " ~ dbt.type_string() ~ ")",
        "'Q'",
        "cast(extract(quarter from " ~ date_expr ~ ") as " ~ dbt.type_string() ~ ")",
    ]) }}
{%- endmacro %}
