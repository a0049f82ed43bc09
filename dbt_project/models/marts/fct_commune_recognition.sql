{#
    One row per commune x quarter from the workbook version in force: how many criteria it met
    (computed from the TC columns, and as the workbook reported it) and its NTM recognition.
    ntm_level 'none' = not recognised (a blank Mức độ cell and no recognition year); a blank level
    with a recognition year is 'NTM' (rule TC-007), flagged level_inferred so an auditor sees it.
    Recognition and attainment are separate facts: a recognised commune can later fall below a
    criterion.
    Cells: column letter of each field on that sheet of that workbook version (raw.sheet_columns)
    then the Excel row; criteria_cells lists the 19 criterion cells (TC1..TC19) that criteria_met
    counts, comma-separated in criterion order.
#}
{%- set measure_fields = ['commune_code', 'criteria_met_reported', 'recognition_year', 'ntm_level'] -%}
{%- set cell_fields = measure_fields + ntm.criterion_fields() -%}
{%- set criteria_cell_parts = [] -%}
{%- for field in ntm.criterion_fields() -%}
    {%- if not loop.first %}{% do criteria_cell_parts.append("','") %}{% endif -%}
    {%- do criteria_cell_parts.append('measure_columns.' ~ field ~ '_column') -%}
    {%- do criteria_cell_parts.append('cast(criteria_rows.excel_row as ' ~ dbt.type_string() ~ ')') -%}
{%- endfor -%}
with

criteria_rows as (

    select * from {{ ref('int_criteria_rows__current') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

sheet_columns as (

    select * from {{ ref('stg_raw__sheet_columns') }}

),

measure_columns as (

    {{ field_columns('sheet_columns', cell_fields) }}

),

located as (

    select
        criteria_rows.*,
        {%- for field in measure_fields %}
        {{ cell_ref('measure_columns', field, 'criteria_rows.excel_row') }} as {{ field }}_cell,
        {%- endfor %}
        {{ dbt.concat(criteria_cell_parts) }} as criteria_cells
    from criteria_rows
    left join measure_columns
        on criteria_rows.workbook_sha256 = measure_columns.workbook_sha256
        and criteria_rows.sheet_name = measure_columns.sheet_name

),

joined as (

    select
        located.quarter,
        located.commune_code,
        located.province_code,
        located.district_code,
        communes_at_quarter_end.commune_sk,
        located.criteria_set,
        located.criteria_met,
        located.criteria_met_reported,
        located.ntm_level,
        located.level_inferred,
        located.recognition_year,
        located.workbook_sha256,
        located.file_name,
        located.sheet_name,
        located.excel_row,
        located.commune_code_cell,
        located.criteria_cells,
        located.criteria_met_reported_cell,
        located.recognition_year_cell,
        located.ntm_level_cell
    from located
    left join communes_at_quarter_end
        on located.commune_code = communes_at_quarter_end.commune_code
        and located.quarter = communes_at_quarter_end.quarter

),

final as (

    select
        quarter,
        commune_code,
        province_code,
        district_code,
        commune_sk,
        criteria_set,
        cast(criteria_met as {{ dbt.type_int() }}) as criteria_met,
        criteria_met_reported,
        {{ ntm.criteria_band('criteria_met') }} as criteria_band,
        coalesce(ntm_level, 'none') as ntm_level,
        ntm_level is not null as is_ntm_recognised,
        coalesce(level_inferred, false) as level_inferred,
        recognition_year,
        workbook_sha256,
        file_name,
        sheet_name,
        excel_row,
        commune_code_cell,
        criteria_cells,
        criteria_met_reported_cell,
        recognition_year_cell,
        ntm_level_cell
    from joined

)

select * from final
