with

source as (

    select * from {{ source('raw', 'arrivals') }}

),

renamed as (

    select
        -- ids
        cast(arrival_id as {{ dbt.type_string() }}) as arrival_id,
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,

        -- file
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(file_size_bytes as {{ dbt.type_bigint() }}) as file_size_bytes,

        -- dates
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(arrived_at as {{ dbt.type_timestamp() }}) as arrived_at,
        cast(received_basis as {{ dbt.type_string() }}) as received_basis

    from source

)

select * from renamed
