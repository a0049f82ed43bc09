with

source as (

    select * from {{ source('raw', 'workbook_versions') }}

),

renamed as (

    select
        -- ids
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,

        -- file
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(file_size_bytes as {{ dbt.type_bigint() }}) as file_size_bytes,
        cast(archive_path as {{ dbt.type_string() }}) as archive_path,

        -- validation outcome
        cast(status as {{ dbt.type_string() }}) as status,
        cast(error_count as {{ dbt.type_int() }}) as error_count,
        cast(warning_count as {{ dbt.type_int() }}) as warning_count,

        -- cover sheet
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(prepared_by as {{ dbt.type_string() }}) as prepared_by,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,

        -- dates
        cast(prepared_on as date) as prepared_on,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(received_basis as {{ dbt.type_string() }}) as received_basis

    from source

)

select * from renamed
