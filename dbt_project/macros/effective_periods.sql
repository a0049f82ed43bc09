{% macro effective_periods(key, period_edges, bounds) %}
    {#-
        Contiguous, non-overlapping periods per `key` from the validity ranges in `period_edges`
        (key, valid_from, valid_to): every range start, and every day after a range end, starts
        a new period, within the key's span in `bounds` (first_valid_from .. last_valid_to).
        The last period stays open (var open_valid_to). Adjacent periods are not merged.
    -#}
    with

    boundaries as (

        select {{ key }}, valid_from as boundary_date
        from {{ period_edges }}
        union
        select {{ key }}, cast({{ dbt.dateadd('day', 1, 'valid_to') }} as date) as boundary_date
        from {{ period_edges }}
        where valid_to < cast('{{ var("open_valid_to") }}' as date)

    ),

    bounded as (

        select boundaries.{{ key }}, boundaries.boundary_date
        from boundaries
        inner join {{ bounds }}
            on boundaries.{{ key }} = {{ bounds }}.{{ key }}
            and boundaries.boundary_date >= {{ bounds }}.first_valid_from
            and boundaries.boundary_date <= {{ bounds }}.last_valid_to

    )

    select
        {{ key }},
        boundary_date as valid_from,
        coalesce(
            cast({{ dbt.dateadd(
                'day', -1,
                'lead(boundary_date) over (partition by ' ~ key ~ ' order by boundary_date)'
            ) }} as date),
            cast('{{ var("open_valid_to") }}' as date)
        ) as valid_to
    from bounded
{% endmacro %}
