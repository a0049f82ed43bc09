{#
    Every non-null value of each column is one of its accepted values (values_by_column maps a
    column to its list), compared as text as dbt's accepted_values does. One test for the model
    instead of one per column: a failure lists the column, the value and how many rows hold it.
#}
{% test accepted_values_columns(model, values_by_column) %}

with

source_rows as (

    select * from {{ model }}

),

failures as (

    {%- for column, values in values_by_column.items() %}
    select
        '{{ column }}' as column_name,
        {{ dbt.cast(column, dbt.type_string()) }} as value,
        count(*) as row_count
    from source_rows
    where {{ column }} is not null
        and {{ column }} not in (
            {%- for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    group by {{ column }}
    {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from failures

{% endtest %}
