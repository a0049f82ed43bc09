{#
    numerator / denominator as an 8-byte float, never integer division; null when the denominator
    is 0 or null.
#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'ntm')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    (
        cast({{ numerator }} as {{ ntm.type_double() }})
        / nullif(cast({{ denominator }} as {{ ntm.type_double() }}), 0)
    )
{%- endmacro %}
