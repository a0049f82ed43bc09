{#
    The statistics of the table just built, for the planner of the models that read it.
    PostgreSQL plans a table no one analysed yet from a guess (int_commune_lineage joined its
    inputs by nested loops: 73 s instead of under a second); DuckDB keeps them as it writes.
    A post-hook: empty (not run) where nothing is needed.
#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table', 'ntm')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    analyze {{ this }}
{%- endmacro %}

{#
    Planner settings for one model's transaction (a pre-hook). PostgreSQL materialises a CTE that
    a model reads twice and estimates its filtered rows from no statistics: it then joins
    thousands of rows by nested loops (int_commune_lineage: 23 s of 127 million comparisons; by
    hashes, 0.1 s). The models join whole tables on equal keys, never through an index: hash and
    merge joins only. `set local` ends with the transaction. Empty (not run) elsewhere.
#}
{% macro planner_settings() -%}
    {{ return(adapter.dispatch('planner_settings', 'ntm')()) }}
{%- endmacro %}

{% macro default__planner_settings() -%}
{%- endmacro %}

{% macro postgres__planner_settings() -%}
    set local enable_nestloop = off
{%- endmacro %}
