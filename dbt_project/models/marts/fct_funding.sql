{#
    One row per (quarter, district, level, commune or none, programme, source) from the
    `Nguon von` sheet of the workbook version in force for the district and quarter.

    funding_level is 'commune' (a commune's line) or 'district' (blank Mã xã: spent at district
    level, commune_code null). The grain key is funding_key, a hash over
    (quarter, district_code, funding_level, commune_code, programme_code, funding_source_code) with
    null commune_code hashed as a sentinel, so it is portable and never compares nulls.

    Spending in the quarter is derived from the cumulative (year-to-date) actual: this quarter's
    cumulative minus the previous quarter's cumulative of the same line in the same year (Q1: the
    cumulative itself). A line absent from the previous quarter's workbook (or a previous quarter
    with no workbook in force) counts as 0. A cumulative that falls gives a negative quarter
    figure: it is kept as reported and flagged is_correction.

    Provenance: the line's workbook version, sheet, Excel row and the cells of its measures
    (column letter of the field on that sheet of that workbook version, from raw.sheet_columns,
    then the Excel row), and the previous quarter's workbook version, sheet, row and cumulative
    cell the quarterly difference subtracts.
#}
{%- set measure_fields = [
    'commune_code', 'programme_code', 'funding_source_code', 'plan_million_vnd',
    'actual_ytd_million_vnd',
] -%}
with

funding_rows as (

    select * from {{ ref('stg_raw__funding_rows') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

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
        quarters.year_number,
        quarters.quarter_number,
        quarters.previous_quarter,
        current_workbooks.province_code,
        current_workbooks.district_code,
        case when funding_rows.commune_code is null then 'district' else 'commune' end
            as funding_level,
        funding_rows.commune_code,
        funding_rows.programme_code,
        funding_rows.funding_source_code,
        funding_rows.plan_million_vnd,
        funding_rows.actual_ytd_million_vnd,
        funding_rows.workbook_sha256,
        funding_rows.sheet_name,
        funding_rows.excel_row,
        {%- for field in measure_fields %}
        {{ cell_ref('measure_columns', field, 'funding_rows.excel_row') }} as {{ field }}_cell
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from funding_rows
    inner join current_workbooks
        on funding_rows.workbook_sha256 = current_workbooks.workbook_sha256
    inner join quarters
        on current_workbooks.quarter = quarters.quarter
    left join measure_columns
        on funding_rows.workbook_sha256 = measure_columns.workbook_sha256
        and funding_rows.sheet_name = measure_columns.sheet_name

),

with_previous as (

    select
        current_rows.*,
        case
            when current_rows.quarter_number = 1 then 0
            else coalesce(previous_rows.actual_ytd_million_vnd, 0)
        end as previous_actual_ytd_million_vnd,
        previous_rows.workbook_sha256 as previous_workbook_sha256,
        previous_rows.sheet_name as previous_sheet_name,
        previous_rows.excel_row as previous_excel_row,
        previous_rows.actual_ytd_million_vnd_cell as previous_actual_ytd_million_vnd_cell
    from current_rows
    left join current_rows as previous_rows
        on current_rows.quarter_number > 1
        and previous_rows.quarter = current_rows.previous_quarter
        and previous_rows.district_code = current_rows.district_code
        and previous_rows.funding_level = current_rows.funding_level
        and coalesce(previous_rows.commune_code, '') = coalesce(current_rows.commune_code, '')
        and previous_rows.programme_code = current_rows.programme_code
        and previous_rows.funding_source_code = current_rows.funding_source_code

),

final as (

    select
        {{ ntm.surrogate_key([
            'with_previous.quarter', 'with_previous.district_code', 'with_previous.funding_level',
            'with_previous.commune_code', 'with_previous.programme_code',
            'with_previous.funding_source_code',
        ]) }} as funding_key,
        with_previous.quarter,
        with_previous.year_number,
        with_previous.quarter_number,
        with_previous.province_code,
        with_previous.district_code,
        with_previous.funding_level,
        with_previous.commune_code,
        communes_at_quarter_end.commune_sk,
        with_previous.programme_code,
        with_previous.funding_source_code,
        cast(with_previous.plan_million_vnd as {{ ntm.type_double() }}) as plan_million_vnd,
        cast(with_previous.actual_ytd_million_vnd as {{ ntm.type_double() }})
            as actual_ytd_million_vnd,
        cast(with_previous.previous_actual_ytd_million_vnd as {{ ntm.type_double() }})
            as previous_actual_ytd_million_vnd,
        cast(
            with_previous.actual_ytd_million_vnd - with_previous.previous_actual_ytd_million_vnd
            as {{ ntm.type_double() }}
        ) as actual_quarter_million_vnd,
        coalesce(
            with_previous.actual_ytd_million_vnd < with_previous.previous_actual_ytd_million_vnd,
            false
        ) as is_correction,
        with_previous.workbook_sha256,
        with_previous.sheet_name,
        with_previous.excel_row,
        {%- for field in measure_fields %}
        with_previous.{{ field }}_cell,
        {%- endfor %}
        with_previous.previous_workbook_sha256,
        with_previous.previous_sheet_name,
        with_previous.previous_excel_row,
        with_previous.previous_actual_ytd_million_vnd_cell
    from with_previous
    left join communes_at_quarter_end
        on with_previous.commune_code = communes_at_quarter_end.commune_code
        and with_previous.quarter = communes_at_quarter_end.quarter

)

select * from final
