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
        quarter_number = 4 as is_year_end,
        {{ ntm.quarter_key(dbt.dateadd('month', -3, 'first_day')) }} as previous_quarter,
        {{ ntm.quarter_key(dbt.dateadd('year', -1, 'first_day')) }} as year_ago_quarter
    from quarters

)

select * from final
