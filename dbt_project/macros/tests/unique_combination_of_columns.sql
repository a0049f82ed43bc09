{#
    Primary-key test: no two rows share the same values of combination_of_columns
    (nulls compare equal, as in group by).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

source_rows as (

    select {{ combination_of_columns | join(', ') }}
    from {{ model }}

),

duplicates as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from source_rows
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from duplicates

{% endtest %}
