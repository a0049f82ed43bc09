with

source as (

    select * from {{ ref('admin_units_2025') }}

),

renamed as (

    select
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,
        cast(commune_type as {{ dbt.type_string() }}) as commune_type,
        cast(area_km2 as {{ ntm.type_double() }}) as area_km2,
        cast(valid_from as date) as valid_from

    from source

)

select * from renamed
