with

quarters as (

    select * from {{ ref('int_quarters__spine') }}

),

final as (

    select
        quarter,
        year_number,
        quarter_number,
        first_day,
        last_day,
        quarter_number = 4 as is_year_end
    from quarters

)

select * from final
