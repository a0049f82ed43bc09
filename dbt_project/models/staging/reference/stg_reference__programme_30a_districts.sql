with

source as (

    select * from {{ ref('programme_30a_districts') }}

),

renamed as (

    select
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,

        -- validity (valid_to null = open)
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,

        cast(source as {{ dbt.type_string() }}) as source_note

    from source

)

select * from renamed
