{#
    Every row satisfies expression (a boolean SQL expression over the model's columns).
#}
{% test expression_is_true(model, expression, column_name=none) %}

with

failures as (

    select *
    from {{ model }}
    where not ({{ expression }})

)

select * from failures

{% endtest %}
