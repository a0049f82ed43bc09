{#
    Coverage of every expected (quarter, province, reporter) of the reporting calendar (a district
    up to 2025Q2, a commune-level unit from 2025Q3): whether a workbook version is in force for
    it (has_report) and which one. The spine every reporting
    view starts from, so that a district without a report still has its row (measures null) and
    every aggregate can say how many districts it covers.
#}
with

calendar as (

    select * from {{ ref('int_reporting_calendar') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

joined as (

    select
        calendar.quarter,
        calendar.province_code,
        calendar.province_name,
        calendar.reporter_level,
        calendar.reporter_code,
        calendar.reporter_name,
        calendar.district_code,
        calendar.district_name,
        calendar.commune_code,
        calendar.commune_name,
        calendar.year_number,
        calendar.quarter_number,
        calendar.last_day,
        calendar.previous_quarter,
        calendar.year_ago_quarter,
        current_workbooks.workbook_sha256 is not null as has_report,
        current_workbooks.workbook_sha256,
        current_workbooks.criteria_set,
        current_workbooks.poverty_standard
    from calendar
    left join current_workbooks
        on calendar.quarter = current_workbooks.quarter
        and calendar.province_code = current_workbooks.province_code
        and calendar.reporter_level = current_workbooks.workbook_kind
        and calendar.reporter_code = current_workbooks.reporter_code

),

final as (

    select * from joined

)

select * from final
