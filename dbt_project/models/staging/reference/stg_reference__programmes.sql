with

source as (

    select * from {{ ref('programmes') }}

),

renamed as (

    select
        cast(programme_code as {{ dbt.type_string() }}) as programme_code,
        cast(programme_name_vi as {{ dbt.type_string() }}) as programme_name_vi,
        cast(programme_name_en as {{ dbt.type_string() }}) as programme_name_en,
        cast(programme_group as {{ dbt.type_string() }}) as programme_group,
        cast(is_ntm_programme as {{ dbt.type_boolean() }}) as is_ntm_programme,
        cast(period as {{ dbt.type_string() }}) as programme_period,
        cast(sort_order as {{ dbt.type_int() }}) as sort_order

    from source

)

select * from renamed
