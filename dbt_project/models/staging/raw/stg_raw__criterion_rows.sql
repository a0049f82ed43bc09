with

source as (

    select * from {{ source('raw', 'criterion_rows') }}

),

renamed as (

    select
        -- provenance
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(excel_row as {{ dbt.type_int() }}) as excel_row,

        -- the criterion (or indicator) of the cover's criteria set
        cast(criterion_code as {{ dbt.type_string() }}) as criterion_code,
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(indicator_no as {{ dbt.type_int() }}) as indicator_no,
        cast(criterion_name as {{ dbt.type_string() }}) as criterion_name,
        -- a blank status cell is not met (the contract's rule for criteria)
        coalesce(cast(is_met as {{ dbt.type_boolean() }}), false) as is_met

    from source

),

final as (

    select
        *,
        indicator_no is null as is_criterion_row
    from renamed

)

select * from final
