{#
    A province row's quarter spending is the sum of its reporting districts' quarter spending
    when every one of them is known, and null (quarter_basis 'previous_quarter_missing') as soon
    as one is not: a province quarter figure never silently leaves out a district whose quarter
    is unknown. Returns the offending province rows.
#}
with

funding as (

    select * from {{ ref('rpt_funding_integration') }}

),

district_rows as (

    select * from funding
    where district_code is not null

),

province_rows as (

    select * from funding
    where district_code is null

),

district_quarters as (

    select
        quarter,
        province_code,
        sum(actual_quarter_million_vnd) as actual_quarter_million_vnd,
        sum(case when has_report and actual_quarter_million_vnd is null then 1 else 0 end)
            as unknown_quarters
    from district_rows
    group by quarter, province_code

),

compared as (

    select
        province_rows.quarter,
        province_rows.province_code,
        province_rows.actual_quarter_million_vnd,
        province_rows.quarter_basis,
        district_quarters.actual_quarter_million_vnd as district_sum,
        district_quarters.unknown_quarters
    from province_rows
    inner join district_quarters
        on province_rows.quarter = district_quarters.quarter
        and province_rows.province_code = district_quarters.province_code

),

final as (

    select * from compared
    where (unknown_quarters > 0
           and (actual_quarter_million_vnd is not null
                or quarter_basis <> 'previous_quarter_missing'))
        or (unknown_quarters = 0
            and abs(coalesce(actual_quarter_million_vnd, 0) - coalesce(district_sum, 0)) > 0.05)
        or (unknown_quarters = 0 and (actual_quarter_million_vnd is null) <> (district_sum is null))

)

select * from final
