{#
    Every row-level truth of one model in ONE test: required columns, primary keys, accepted
    values, foreign keys and boolean expressions. dbt spends ~50 ms of its own per test node,
    whatever the data; a model's five to sixteen small tests cost more in nodes than in queries.
    Each truth stays a separate branch of the query, so a failure still says which one broke:

        check_name   not_null | unique | accepted_values | relationships | expression
        column_name  the column, the key's columns, or the expression
        value        the offending value or key (an example row's key for an expression)
        row_count    how many rows break it

    Arguments (all optional):
      not_null         columns; an item {column, where} applies only to the rows where `where`
      unique           column lists (a primary key each); an item {columns, where} as above.
                       A one-column key skips nulls (as dbt's unique); in a longer key nulls
                       compare equal (as in group by)
      accepted_values  {column: [values]}, as dbt's accepted_values compares them
      relationships    [{column, to, field}]: every non-null value exists in `to`.`field`; an
                       item may add a `where` on the model's rows
      expressions      boolean SQL over the model's columns, true on every row (a row where it
                       is null passes, as in dbt's expression_is_true); an item {expression, where}
      row_key          columns naming a row in an expression's example (default: the first
                       unique key)
    Required columns and expressions are read in one scan of the model. A view is computed once
    for all the branches (a materialized CTE): inlined into each branch, a reporting view over 16
    national quarters was computed six times at once and ran out of the build's memory limit.
    A table is scanned by each branch instead (copying it would cost memory, not save work).
#}
{% test model_checks(
    model,
    not_null=[],
    unique=[],
    accepted_values={},
    relationships=[],
    expressions=[],
    row_key=none
) %}

{%- set string = dbt.type_string() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set keys = [] -%}
{%- for item in unique -%}
    {%- do keys.append(item if item is mapping else {"columns": item, "where": none}) -%}
{%- endfor -%}
{%- set required = [] -%}
{%- for item in not_null -%}
    {%- do required.append(item if item is mapping else {"column": item, "where": none}) -%}
{%- endfor -%}
{%- set truths = [] -%}
{%- for item in expressions -%}
    {%- do truths.append(item if item is mapping else {"expression": item, "where": none}) -%}
{%- endfor -%}
{%- set example_key = row_key or (keys[0].columns if keys else none) -%}
{%- set source = namespace(is_view=false) -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == "model" and node.alias == model.identifier
            and node.schema == model.schema and node.config.materialized == "view" -%}
            {%- set source.is_view = true -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

with

source_rows as {{ "materialized" if source.is_view else "not materialized" }} (

    select * from {{ model }}

),

{% if required or truths %}
scanned as (

    select
        count(*) as scanned_rows
        {%- for item in required %},
        sum(case when {{ item.column }} is null
            {%- if item.where %} and ({{ item.where }}){% endif %} then 1 else 0 end) as null_rows_{{ loop.index }}
        {%- endfor %}
        {%- for item in truths %},
        sum(case when not ({{ item.expression }})
            {%- if item.where %} and ({{ item.where }}){% endif %} then 1 else 0 end) as false_rows_{{ loop.index }},
        min(case when not ({{ item.expression }})
            {%- if item.where %} and ({{ item.where }}){% endif %} then {{ _model_checks_key(example_key) }} end) as false_example_{{ loop.index }}
        {%- endfor %}
    from source_rows

),
{% endif %}

failures as (

    select
        cast(null as {{ string }}) as check_name,
        cast(null as {{ string }}) as column_name,
        cast(null as {{ string }}) as value,
        cast(null as {{ bigint }}) as row_count
    where 1 = 0

    {%- for item in required %}

    union all
    select
        'not_null',
        '{{ item.column }}',
        cast(null as {{ string }}),
        cast(null_rows_{{ loop.index }} as {{ bigint }})
    from scanned
    where null_rows_{{ loop.index }} > 0
    {%- endfor %}

    {%- for item in keys %}

    union all
    select
        'unique',
        '{{ item.columns | join(", ") }}',
        {{ _model_checks_key(item.columns) }},
        cast(count(*) as {{ bigint }})
    from source_rows
    where 1 = 1
    {%- if item.columns | length == 1 %} and {{ item.columns[0] }} is not null{% endif %}
    {%- if item.where %} and ({{ item.where }}){% endif %}
    group by {{ item.columns | join(", ") }}
    having count(*) > 1
    {%- endfor %}

    {%- for column, values in accepted_values.items() %}

    union all
    select
        'accepted_values',
        '{{ column }}',
        {{ dbt.cast(column, string) }},
        cast(count(*) as {{ bigint }})
    from source_rows
    where {{ column }} is not null
        and {{ column }} not in (
            {%- for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    group by {{ column }}
    {%- endfor %}

    {%- for relation in relationships %}

    union all
    select
        'relationships',
        '{{ relation.column }}',
        {{ dbt.cast("child." ~ relation.column, string) }},
        cast(count(*) as {{ bigint }})
    from
        {%- if relation.where %} (select * from source_rows where {{ relation.where }}) as child
        {%- else %} source_rows as child
        {%- endif %}
    left join {{ relation.to }} as parent
        on child.{{ relation.column }} = parent.{{ relation.field }}
    where child.{{ relation.column }} is not null
        and parent.{{ relation.field }} is null
    group by child.{{ relation.column }}
    {%- endfor %}

    {%- for item in truths %}

    union all
    select
        'expression',
        '{{ item.expression | trim | replace("'", "''") }}',
        false_example_{{ loop.index }},
        cast(false_rows_{{ loop.index }} as {{ bigint }})
    from scanned
    where false_rows_{{ loop.index }} > 0
    {%- endfor %}

)

select * from failures

{% endtest %}


{#- The columns' values as one text, '|' between them ('null' for a null), to name a row. -#}
{% macro _model_checks_key(columns) -%}
    {%- if not columns -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {%- for column in columns -%}
            coalesce({{ dbt.cast(column, dbt.type_string()) }}, 'null')
            {{- " || '|' || " if not loop.last }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
