with

source as (

    select * from {{ ref('gso_admin_units') }}

),

renamed as (

    select
        cast(snapshot_date as date) as snapshot_date,

        -- province
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(province_type as {{ dbt.type_string() }}) as province_type,

        -- district
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(district_type as {{ dbt.type_string() }}) as district_type,

        -- commune-level unit
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,
        cast(commune_type as {{ dbt.type_string() }}) as commune_type

    from source

)

select * from renamed
