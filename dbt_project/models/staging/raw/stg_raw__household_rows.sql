with

source as (

    select * from {{ source('raw', 'household_rows') }}

),

renamed as (

    select
        -- provenance
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(excel_row as {{ dbt.type_int() }}) as excel_row,

        -- commune
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,

        -- counts
        cast(households as {{ dbt.type_bigint() }}) as households,
        cast(poor_households as {{ dbt.type_bigint() }}) as poor_households,
        cast(near_poor_households as {{ dbt.type_bigint() }}) as near_poor_households,
        cast(poor_ethnic_minority_households as {{ dbt.type_bigint() }})
            as poor_ethnic_minority_households

    from source

)

select * from renamed
