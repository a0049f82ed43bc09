{{ config(meta={'dagster': {'ref': {'name': 'int_district_reports'}}}) }}
{#
    No figure may drop out of the reporting views silently: every workbook version in force must
    fall on an expected (quarter, province, district) of the reporting calendar. Returns the
    versions in force that no calendar row carries (e.g. a district code not valid on the
    quarter's last day).
#}
with

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

district_reports as (

    select * from {{ ref('int_district_reports') }}

),

final as (

    select current_workbooks.*
    from current_workbooks
    left join district_reports
        on current_workbooks.workbook_sha256 = district_reports.workbook_sha256
    where district_reports.workbook_sha256 is null

)

select * from final
