{#
    Where a value came from in its workbook: raw.sheet_columns records, per workbook version and
    sheet, the column letter each field was found in; with the Excel row of the data row it gives
    the cell reference (e.g. 'F12') an auditor opens. Null when the column is unknown.
#}

{% macro field_columns(sheet_columns, fields) %}
    {#- One row per workbook version and sheet, one `<field>_column` letter per field. -#}
    select
        workbook_sha256,
        sheet_name,
        {%- for field in fields %}
        max(case when field_name = '{{ field }}' then column_letter end) as {{ field }}_column
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ sheet_columns }}
    group by workbook_sha256, sheet_name
{% endmacro %}

{% macro cell_ref(field_columns, field, excel_row) %}
    {#- The cell of `field` on a data row: its column letter then the row number. -#}
    {{- dbt.concat([
        field_columns ~ '.' ~ field ~ '_column',
        'cast(' ~ excel_row ~ ' as ' ~ dbt.type_string() ~ ')',
    ]) -}}
{% endmacro %}
