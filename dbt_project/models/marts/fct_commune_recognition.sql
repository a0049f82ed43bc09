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
    Two eras: up to 2025Q2 a commune is a row of its district's `Tieu chi` sheet (above); from
    2025Q3 it sends its own commune workbook: criteria_met is counted from the criterion rows of
    its sheet (indicator rows are not criteria), the reported count, recognition year and level
    come from the cover, and their cells from raw.cover_cells. Every row carries its criteria_set
    and criteria_count (19 or 10); criteria_band is within the set.
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

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

criterion_status as (

    select * from {{ ref('int_criterion_status__current') }}

),

cover_cells as (

    select * from {{ ref('stg_raw__cover_cells') }}

),

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

criteria_sets as (

    -- how many criteria each set has: the seed criteria_sets, the one place that says it
    select * from {{ ref('stg_reference__criteria_sets') }}

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

district_era as (

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
        located.ntm_level_cell,
        'district' as workbook_kind,
        cast(null as {{ dbt.type_string() }}) as commune_group
    from located
    left join communes_at_quarter_end
        on located.commune_code = communes_at_quarter_end.commune_code
        and located.quarter = communes_at_quarter_end.quarter

),

-- from 2025Q3: one commune workbook per unit; its criteria are rows, its recognition the cover
commune_workbooks as (

    select
        current_workbooks.*,
        workbook_versions.criteria_met_reported,
        workbook_versions.recognition_year,
        workbook_versions.ntm_level_written
    from current_workbooks
    inner join workbook_versions
        on current_workbooks.workbook_sha256 = workbook_versions.workbook_sha256
    where current_workbooks.workbook_kind = 'commune'

),

commune_criteria as (

    select
        workbook_sha256,
        min(sheet_name) as sheet_name,
        sum(case when is_met then 1 else 0 end) as criteria_met,
        {{ dbt.listagg('cell_ref', "','", 'order by criterion_no') }} as criteria_cells,
        count(*) as criterion_rows,
        count(cell_ref) as located_rows
    from criterion_status
    where workbook_kind = 'commune'
    group by workbook_sha256

),

commune_cover_cells as (

    select
        workbook_sha256,
        max(case when field_name = 'commune_code' then cell_ref end) as commune_code_cell,
        max(case when field_name = 'criteria_met_reported' then cell_ref end)
            as criteria_met_reported_cell,
        max(case when field_name = 'recognition_year' then cell_ref end) as recognition_year_cell,
        max(case when field_name = 'ntm_level' then cell_ref end) as ntm_level_cell
    from cover_cells
    group by workbook_sha256

),

commune_era as (

    select
        commune_workbooks.quarter,
        commune_workbooks.commune_code,
        commune_workbooks.province_code,
        commune_workbooks.district_code,
        communes_at_quarter_end.commune_sk,
        commune_workbooks.criteria_set,
        -- a workbook without criterion rows met none (the reader requires them; never null)
        coalesce(commune_criteria.criteria_met, 0) as criteria_met,
        commune_workbooks.criteria_met_reported,
        -- rule TC-007 as on the district sheet: a year with a blank level is 'NTM'
        coalesce(
            commune_workbooks.ntm_level_written,
            case when commune_workbooks.recognition_year is not null then 'NTM' end
        ) as ntm_level,
        commune_workbooks.ntm_level_written is null
            and commune_workbooks.recognition_year is not null as level_inferred,
        commune_workbooks.recognition_year,
        commune_workbooks.workbook_sha256,
        commune_workbooks.file_name,
        commune_criteria.sheet_name,
        cast(null as {{ dbt.type_int() }}) as excel_row,
        commune_cover_cells.commune_code_cell,
        -- every criterion cell or none, as on the district sheet
        case
            when commune_criteria.located_rows = commune_criteria.criterion_rows
                then commune_criteria.criteria_cells
        end as criteria_cells,
        commune_cover_cells.criteria_met_reported_cell,
        commune_cover_cells.recognition_year_cell,
        commune_cover_cells.ntm_level_cell,
        'commune' as workbook_kind,
        commune_workbooks.commune_group
    from commune_workbooks
    left join commune_criteria
        on commune_workbooks.workbook_sha256 = commune_criteria.workbook_sha256
    left join commune_cover_cells
        on commune_workbooks.workbook_sha256 = commune_cover_cells.workbook_sha256
    left join communes_at_quarter_end
        on commune_workbooks.commune_code = communes_at_quarter_end.commune_code
        and commune_workbooks.quarter = communes_at_quarter_end.quarter

),

joined as (

    select * from district_era
    union all
    select * from commune_era

),

counted as (

    select
        joined.*,
        criteria_sets.criteria_count
    from joined
    left join criteria_sets
        on joined.criteria_set = criteria_sets.criteria_set

),

final as (

    select
        quarter,
        commune_code,
        province_code,
        district_code,
        commune_sk,
        criteria_set,
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(criteria_met as {{ dbt.type_int() }}) as criteria_met,
        criteria_met_reported,
        {{ ntm.criteria_band('criteria_met', 'criteria_count') }} as criteria_band,
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
        ntm_level_cell,
        workbook_kind,
        commune_group
    from counted

)

select * from final
