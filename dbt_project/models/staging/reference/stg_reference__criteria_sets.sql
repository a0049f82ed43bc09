with

source as (

    select * from {{ ref('criteria_sets') }}

),

renamed as (

    select
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(name_vi as {{ dbt.type_string() }}) as criteria_set_name_vi,
        cast(name_en as {{ dbt.type_string() }}) as criteria_set_name_en,
        cast(legal_basis as {{ dbt.type_string() }}) as legal_basis,
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(first_year as {{ dbt.type_int() }}) as first_year,
        cast(last_year as {{ dbt.type_int() }}) as last_year

    from source

)

select * from renamed
