{% macro effective_periods(key, period_edges, bounds) %}
    {#-
        Contiguous, non-overlapping periods per `key` from the validity ranges in `period_edges`
        (key, valid_from, valid_to): every range start, and every day after a range end, starts
        a new period, within the key's spans in `bounds` (key, first_valid_from, last_valid_to).
        A key may have several disjoint spans in `bounds` (a code listed, missing, then listed
        again is two units): periods never cross a span's end, never start in a gap between
        spans, and the last period of a span ends on the span's last_valid_to (open_valid_to for
        an open span). Each span's first_valid_from must be one of its edges' valid_from.
        Adjacent periods are not merged.
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

        select
            boundaries.{{ key }},
            boundaries.boundary_date,
            {{ bounds }}.last_valid_to as span_ends_on
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
                'lead(boundary_date) over (partition by ' ~ key ~ ', span_ends_on '
                ~ 'order by boundary_date)'
            ) }} as date),
            span_ends_on
        ) as valid_to
    from bounded
{% endmacro %}
