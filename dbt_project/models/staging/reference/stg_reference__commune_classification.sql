with

source as (

    select * from {{ ref('commune_classification') }}

),

renamed as (

    select
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,

        -- flags
        cast(especially_difficult as {{ dbt.type_boolean() }}) as is_especially_difficult,
        cast(border as {{ dbt.type_boolean() }}) as is_border,

        -- validity (valid_to null = open)
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,

        cast(source as {{ dbt.type_string() }}) as source_note

    from source

)

select * from renamed
