{#
    One row per commune-level unit (xã, phường, thị trấn) x quarter x poverty standard, from the
    `Ho ngheo` sheet of the workbook version in force for its district and quarter, with the cell
    of each measure (column letter of the field on that sheet of that workbook version, from
    raw.sheet_columns, then the Excel row; null if the column is unknown). The poverty
    standard is the one the workbook's cover declared (a workbook declares one, so a unit has one
    row per quarter in practice; the standard is in the key so a switch is never blurred).
    commune_sk is the commune version in force on the quarter's last day, so a commune merged
    away keeps its history up to the merger. A commune workbook (quarters from 2025Q3) has one
    row, the cover's commune, and no district (district_code null).
#}
{%- set measure_fields = [
    'commune_code', 'households', 'poor_households', 'near_poor_households',
    'poor_ethnic_minority_households',
] -%}
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

sheet_columns as (

    select * from {{ ref('stg_raw__sheet_columns') }}

),

measure_columns as (

    {{ field_columns('sheet_columns', measure_fields) }}

),

current_rows as (

    select
        current_workbooks.quarter,
        current_workbooks.province_code,
        current_workbooks.district_code,
        current_workbooks.poverty_standard,
        current_workbooks.workbook_kind,
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

located as (

    select
        current_rows.*,
        {%- for field in measure_fields %}
        {{ cell_ref('measure_columns', field, 'current_rows.excel_row') }} as {{ field }}_cell
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from current_rows
    left join measure_columns
        on current_rows.workbook_sha256 = measure_columns.workbook_sha256
        and current_rows.sheet_name = measure_columns.sheet_name

),

final as (

    select
        located.quarter,
        located.commune_code,
        located.poverty_standard,
        located.province_code,
        located.district_code,
        communes_at_quarter_end.commune_sk,
        cast(located.households as {{ dbt.type_bigint() }}) as households,
        cast(located.poor_households as {{ dbt.type_bigint() }}) as poor_households,
        cast(located.near_poor_households as {{ dbt.type_bigint() }}) as near_poor_households,
        cast(located.poor_ethnic_minority_households as {{ dbt.type_bigint() }})
            as poor_ethnic_minority_households,
        located.workbook_sha256,
        located.sheet_name,
        located.excel_row,
        {%- for field in measure_fields %}
        located.{{ field }}_cell,
        {%- endfor %}
        located.workbook_kind
    from located
    left join communes_at_quarter_end
        on located.commune_code = communes_at_quarter_end.commune_code
        and located.quarter = communes_at_quarter_end.quarter

)

select * from final
