{#
    In a reporting view with district rows and province rows (district_code null), every
    province row's sum_columns equal the sums of its district rows with the same
    partition_columns (e.g. quarter, province_code, criterion_no), within tolerance; every group
    of district rows has its province row and vice versa. Returns the offending groups.
#}
{% test province_row_sums_districts(model, partition_columns, sum_columns, tolerance=0.000001) %}

with

district_sums as (

    select
        {{ partition_columns | join(', ') }},
        {%- for column in sum_columns %}
        sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}
    where district_code is not null
    group by {{ partition_columns | join(', ') }}

),

province_rows as (

    select
        {{ partition_columns | join(', ') }},
        {%- for column in sum_columns %}
        {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}
    where district_code is null

),

compared as (

    select
        {%- for column in partition_columns %}
        coalesce(province_rows.{{ column }}, district_sums.{{ column }}) as {{ column }},
        {%- endfor %}
        province_rows.{{ partition_columns[0] }} is null as missing_province_row,
        district_sums.{{ partition_columns[0] }} is null as missing_district_rows
    from province_rows
    full outer join district_sums
        on {% for column in partition_columns -%}
        province_rows.{{ column }} = district_sums.{{ column }}{% if not loop.last %} and {% endif %}
        {%- endfor %}
    where province_rows.{{ partition_columns[0] }} is null
        or district_sums.{{ partition_columns[0] }} is null
        {%- for column in sum_columns %}
        or abs(coalesce(province_rows.{{ column }}, 0) - coalesce(district_sums.{{ column }}, 0))
            > {{ tolerance }}
        {%- endfor %}

)

select * from compared

{% endtest %}
