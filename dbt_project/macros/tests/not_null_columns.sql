{#
    No null in any of column_names. One scan of the model for all its required columns instead
    of one query per column (each dbt test node costs ~30 ms of dbt's own time, whatever the
    data): a failure lists each column holding nulls and how many rows.
#}
{% test not_null_columns(model, column_names) %}

with

null_counts as (

    select
        {%- for column in column_names %}
        count(*) - count({{ column }}) as {{ column }}__null_rows{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

failures as (

    {%- for column in column_names %}
    select
        '{{ column }}' as column_name,
        {{ column }}__null_rows as null_rows
    from null_counts
    where {{ column }}__null_rows > 0
    {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from failures

{% endtest %}
