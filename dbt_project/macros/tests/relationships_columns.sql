{#
    Referential integrity of several foreign keys at once: every non-null value of each
    relation's column exists in the field of the model it refers to (as dbt's relationships).
    relations: a list of {column, to, field}. A failure lists the column, the orphan value and
    how many rows hold it.
#}
{% test relationships_columns(model, relations) %}

with

{% for relation in relations %}
orphans_{{ loop.index }} as (

    select
        '{{ relation.column }}' as column_name,
        {{ dbt.cast("child." ~ relation.column, dbt.type_string()) }} as value,
        count(*) as row_count
    from {{ model }} as child
    left join {{ relation.to }} as parent
        on child.{{ relation.column }} = parent.{{ relation.field }}
    where child.{{ relation.column }} is not null
        and parent.{{ relation.field }} is null
    group by child.{{ relation.column }}

),

{% endfor %}
failures as (

    {%- for relation in relations %}
    select * from orphans_{{ loop.index }}
    {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from failures

{% endtest %}
