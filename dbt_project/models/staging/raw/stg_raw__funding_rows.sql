with

source as (

    select * from {{ source('raw', 'funding_rows') }}

),

renamed as (

    select
        -- provenance
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(excel_row as {{ dbt.type_int() }}) as excel_row,

        -- what and where (commune_code null = district level)
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(programme_code as {{ dbt.type_string() }}) as programme_code,
        cast(funding_source_code as {{ dbt.type_string() }}) as funding_source_code,

        -- amounts, million VND
        cast(plan_million_vnd as {{ ntm.type_double() }}) as plan_million_vnd,
        cast(actual_ytd_million_vnd as {{ ntm.type_double() }}) as actual_ytd_million_vnd

    from source

)

select * from renamed
