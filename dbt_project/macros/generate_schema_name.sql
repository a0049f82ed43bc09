{#
    Use a model's custom schema name as is (seeds -> reference, staging -> staging, ...), so BI
    tools read `reporting.rpt_*` whatever the target. Without a custom schema: the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
