{#
    One row per commune-level unit (xã, phường, thị trấn) x quarter x poverty standard, from the
    `Ho ngheo` sheet of the workbook version in force for its district and quarter. The poverty
    standard is the one the workbook's cover declared (a workbook declares one, so a unit has one
    row per quarter in practice; the standard is in the key so a switch is never blurred).
    commune_sk is the commune version in force on the quarter's last day, so a commune merged
    away keeps its history up to the merger.
#}
with

household_rows as (

    select * from {{ ref('stg_raw__household_rows') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

current_rows as (

    select
        current_workbooks.quarter,
        current_workbooks.province_code,
        current_workbooks.district_code,
        current_workbooks.poverty_standard,
        household_rows.commune_code,
        household_rows.households,
        household_rows.poor_households,
        household_rows.near_poor_households,
        household_rows.poor_ethnic_minority_households,
        household_rows.workbook_sha256,
        household_rows.sheet_name,
        household_rows.excel_row
    from household_rows
    inner join current_workbooks
        on household_rows.workbook_sha256 = current_workbooks.workbook_sha256

),

final as (

    select
        current_rows.quarter,
        current_rows.commune_code,
        current_rows.poverty_standard,
        current_rows.province_code,
        current_rows.district_code,
        communes_at_quarter_end.commune_sk,
        cast(current_rows.households as {{ dbt.type_bigint() }}) as households,
        cast(current_rows.poor_households as {{ dbt.type_bigint() }}) as poor_households,
        cast(current_rows.near_poor_households as {{ dbt.type_bigint() }}) as near_poor_households,
        cast(current_rows.poor_ethnic_minority_households as {{ dbt.type_bigint() }})
            as poor_ethnic_minority_households,
        current_rows.workbook_sha256,
        current_rows.sheet_name,
        current_rows.excel_row
    from current_rows
    left join communes_at_quarter_end
        on current_rows.commune_code = communes_at_quarter_end.commune_code
        and current_rows.quarter = communes_at_quarter_end.quarter

)

select * from final
