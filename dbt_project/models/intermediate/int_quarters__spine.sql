{#
    One row per calendar quarter from var quarter_spine_start to var quarter_spine_end, via dbt's
    portable date_spine (month steps, so no engine needs a 'quarter' interval).
#}
with

months as (

    {{ dbt.date_spine(
        'month',
        "cast('" ~ var('quarter_spine_start') ~ "' as date)",
        "cast('" ~ var('quarter_spine_end') ~ "' as date)",
    ) }}

),

quarter_starts as (

    select cast(date_month as date) as first_day
    from months
    where extract(month from date_month) in (1, 4, 7, 10)

),

quarters as (

    select
        {{ ntm.quarter_key('first_day') }} as quarter,
        cast(extract(year from first_day) as {{ dbt.type_int() }}) as year_number,
        cast(extract(quarter from first_day) as {{ dbt.type_int() }}) as quarter_number,
        first_day,
        cast({{ dbt.last_day('first_day', 'quarter') }} as date) as last_day
    from quarter_starts

),

final as (

    select * from quarters

)

select * from final
