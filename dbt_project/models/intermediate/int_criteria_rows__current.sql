{#
    Criteria rows of the workbook versions in force, with the workbook's district, quarter and
    criteria set, and the count of met criteria computed from the TC columns (blank = not met,
    as the workbook contract says).
#}
with

criteria_rows as (

    select * from {{ ref('stg_raw__criteria_rows') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

current_rows as (

    select
        current_workbooks.quarter,
        current_workbooks.province_code,
        current_workbooks.district_code,
        current_workbooks.criteria_set,
        criteria_rows.*
    from criteria_rows
    inner join current_workbooks
        on criteria_rows.workbook_sha256 = current_workbooks.workbook_sha256

),

counted as (

    select
        *,
        (
            {%- for field in ntm.criterion_fields() %}
            case when {{ field }} then 1 else 0 end{% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as criteria_met
    from current_rows

),

final as (

    select * from counted

)

select * from final
