{#
    A var the pipeline always passes (`warehouse.settings.dbt_vars`, as --vars on every dbt command
    that opens the build): its default lives once, in the settings, not here. A run without it
    fails naming the var, instead of building with a default of its own. While parsing (no
    execution, no vars) it is none.
#}
{% macro required_var(name) %}
    {%- set value = var(name, none) -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error(
            "var('" ~ name ~ "') is required: the settings pass it as --vars "
            ~ "(warehouse.settings.dbt_vars); run dbt through `ntm run`, or pass --vars"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
