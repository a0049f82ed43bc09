with

source as (

    select * from {{ ref('province_targets') }}

),

renamed as (

    select
        cast(year as {{ dbt.type_int() }}) as year_number,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(planned_value as {{ ntm.type_double() }}) as planned_value,
        cast(trim(comparison) as {{ dbt.type_string() }}) as comparison,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(source as {{ dbt.type_string() }}) as source_note

    from source

)

select * from renamed
