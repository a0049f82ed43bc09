with

source as (

    select * from {{ source('raw', 'sheet_columns') }}

),

renamed as (

    select
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(field as {{ dbt.type_string() }}) as field_name,
        cast(column_letter as {{ dbt.type_string() }}) as column_letter,
        cast(header_text as {{ dbt.type_string() }}) as header_text

    from source

)

select * from renamed
