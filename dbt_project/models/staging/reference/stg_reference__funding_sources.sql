with

source as (

    select * from {{ ref('funding_sources') }}

),

renamed as (

    select
        cast(funding_source_code as {{ dbt.type_string() }}) as funding_source_code,
        cast(funding_source_name_vi as {{ dbt.type_string() }}) as funding_source_name_vi,
        cast(funding_source_name_en as {{ dbt.type_string() }}) as funding_source_name_en,
        cast(source_category as {{ dbt.type_string() }}) as source_category,
        cast(source_category_name_vi as {{ dbt.type_string() }}) as source_category_name_vi,
        cast(source_category_name_en as {{ dbt.type_string() }}) as source_category_name_en,
        cast(is_state_budget as {{ dbt.type_boolean() }}) as is_state_budget,
        cast(sort_order as {{ dbt.type_int() }}) as sort_order

    from source

)

select * from renamed
