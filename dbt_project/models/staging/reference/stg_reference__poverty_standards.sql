with

source as (

    select * from {{ ref('poverty_standards') }}

),

renamed as (

    select
        cast(poverty_standard_code as {{ dbt.type_string() }}) as poverty_standard,
        cast(poverty_standard_name_vi as {{ dbt.type_string() }}) as poverty_standard_name_vi,
        cast(poverty_standard_name_en as {{ dbt.type_string() }}) as poverty_standard_name_en,
        cast(legal_basis as {{ dbt.type_string() }}) as legal_basis,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(description as {{ dbt.type_string() }}) as poverty_standard_description

    from source

)

select * from renamed
