with

source as (

    select * from {{ source('raw', 'cover_cells') }}

),

renamed as (

    select
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(field as {{ dbt.type_string() }}) as field_name,
        cast(cell_ref as {{ dbt.type_string() }}) as cell_ref,
        cast(label as {{ dbt.type_string() }}) as label

    from source

),

final as (

    select * from renamed

)

select * from final
