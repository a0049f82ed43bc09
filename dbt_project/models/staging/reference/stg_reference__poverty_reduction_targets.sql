with

source as (

    select * from {{ ref('poverty_reduction_targets') }}

),

renamed as (

    select
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(scope as {{ dbt.type_string() }}) as target_scope,
        cast(from_year as {{ dbt.type_int() }}) as from_year,
        cast(to_year as {{ dbt.type_int() }}) as to_year,
        cast(target_reduction_pp as {{ ntm.type_double() }}) as target_reduction_pp,
        cast(source as {{ dbt.type_string() }}) as source_note

    from source

)

select * from renamed
