with

source as (

    select * from {{ source('raw', 'rejections') }}

),

renamed as (

    select
        -- provenance
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(file_name as {{ dbt.type_string() }}) as file_name,

        -- location
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(excel_row as {{ dbt.type_int() }}) as excel_row,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(cell_ref as {{ dbt.type_string() }}) as cell_ref,
        cast(value as {{ dbt.type_string() }}) as cell_value,

        -- finding
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(message_vi as {{ dbt.type_string() }}) as message_vi,
        cast(message_en as {{ dbt.type_string() }}) as message_en

    from source

)

select * from renamed
