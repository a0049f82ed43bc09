with

source as (

    select * from {{ ref('admin_unit_conversion_2025') }}

),

renamed as (

    select
        -- the old unit (three-tier map, up to 2025-06-30)
        cast(old_province_code as {{ dbt.type_string() }}) as old_province_code,
        cast(old_district_code as {{ dbt.type_string() }}) as old_district_code,
        cast(old_commune_code as {{ dbt.type_string() }}) as old_commune_code,
        cast(old_commune_name as {{ dbt.type_string() }}) as old_commune_name,

        -- the current unit (two-tier map, from 2025-07-01)
        cast(new_province_code as {{ dbt.type_string() }}) as new_province_code,
        cast(new_commune_code as {{ dbt.type_string() }}) as new_commune_code,
        cast(new_commune_name as {{ dbt.type_string() }}) as new_commune_name,

        cast(mapping as {{ dbt.type_string() }}) as mapping,
        cast(is_default_unit as {{ dbt.type_boolean() }}) as is_default_unit,
        cast(area_share as {{ ntm.type_double() }}) as area_share,
        cast(basis as {{ dbt.type_string() }}) as basis

    from source

)

select * from renamed
