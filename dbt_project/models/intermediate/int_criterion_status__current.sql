{#
    Criterion status, long, for both eras, from the workbook versions in force: one row per
    commune x criterion x quarter. District era (quarters up to 2025Q2): the TC columns of the
    commune's row of its district's `Tieu chi` sheet, unpivoted (the cell: that criterion's column
    letter on that sheet || the row). Commune era (from 2025Q3): the criterion rows (indicator_no
    null) of the commune's own workbook (the cell: the column letter of field `is_met` on that
    sheet || the row); the commune is the cover's. Indicator rows are not criteria and are left
    out. Criterion numbers are within the row's criteria_set only.
#}
with

criteria_rows as (

    select * from {{ ref('int_criteria_rows__current') }}

),

criterion_rows as (

    select * from {{ ref('stg_raw__criterion_rows') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

criteria_sets as (

    -- how many criteria each set has: the seed criteria_sets, the one place that says it
    select * from {{ ref('stg_reference__criteria_sets') }}

),

sheet_columns as (

    select * from {{ ref('stg_raw__sheet_columns') }}

),

district_era as (

    {%- for field in ntm.criterion_fields() %}

    select
        quarter,
        province_code,
        district_code,
        commune_code,
        'district' as workbook_kind,
        criteria_set,
        {{ loop.index }} as criterion_no,
        '{{ field }}' as criterion_field,
        coalesce({{ field }}, false) as is_met,
        workbook_sha256,
        sheet_name,
        excel_row
    from criteria_rows
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

commune_era as (

    select
        current_workbooks.quarter,
        current_workbooks.province_code,
        current_workbooks.district_code,
        current_workbooks.commune_code,
        current_workbooks.workbook_kind,
        current_workbooks.criteria_set,
        criterion_rows.criterion_no,
        'is_met' as criterion_field,
        criterion_rows.is_met,
        criterion_rows.workbook_sha256,
        criterion_rows.sheet_name,
        criterion_rows.excel_row
    from criterion_rows
    inner join current_workbooks
        on criterion_rows.workbook_sha256 = current_workbooks.workbook_sha256
    where current_workbooks.workbook_kind = 'commune'
        and criterion_rows.is_criterion_row

),

unioned as (

    select * from district_era
    union all
    select * from commune_era

),

located as (

    select
        unioned.*,
        {{ dbt.concat([
            'sheet_columns.column_letter',
            'cast(unioned.excel_row as ' ~ dbt.type_string() ~ ')',
        ]) }} as cell_ref,
        criteria_sets.criteria_count
    from unioned
    left join sheet_columns
        on unioned.workbook_sha256 = sheet_columns.workbook_sha256
        and unioned.sheet_name = sheet_columns.sheet_name
        and unioned.criterion_field = sheet_columns.field_name
    left join criteria_sets
        on unioned.criteria_set = criteria_sets.criteria_set

),

final as (

    select
        quarter,
        province_code,
        district_code,
        commune_code,
        workbook_kind,
        criteria_set,
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        {{ dbt.concat([
            'criteria_set', "'.tc'",
            dbt.right(dbt.concat(["'0'", "cast(criterion_no as " ~ dbt.type_string() ~ ")"]), 2),
        ]) }} as criterion_key,
        criterion_field,
        is_met,
        workbook_sha256,
        sheet_name,
        excel_row,
        cell_ref
    from located

)

select * from final
